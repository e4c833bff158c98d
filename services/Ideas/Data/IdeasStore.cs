using ConductorMesh.Contracts;
using ConductorMesh.Ideas.Domain;
using ConductorMesh.ServiceDefaults.Data;
using ConductorMesh.ServiceDefaults.Grpc;
using ConductorMesh.ServiceDefaults.Messaging;
using Dapper;
using Grpc.Core;
using Npgsql;

namespace ConductorMesh.Ideas.Data;

/// <summary>
/// Ideas in the Ideas database. Every change locks the idea's row, records who made it in the
/// idea's history and enqueues its event, all in one transaction.
/// </summary>
public sealed class IdeasStore(NpgsqlDataSource dataSource)
{
    private const string Columns =
        "id, cycle_id, program_id, title, description, category, tier, author_member_id, status, status_reason, location, links, created_at, updated_at, submitted_at";

    // Drafts are private to their author: they are listed only to callers who may act for the author named.
    private const string FilterSql =
        """
        (@CycleId::uuid IS NULL OR cycle_id = @CycleId) AND (@ProgramId::uuid IS NULL OR program_id = @ProgramId)
        AND (@Category::text IS NULL OR category = @Category) AND (@Tier::text IS NULL OR tier = @Tier)
        AND (@AuthorMemberId::text IS NULL OR author_member_id = @AuthorMemberId)
        AND (status <> 'draft' OR (@Drafts AND @AuthorMemberId::text IS NOT NULL)) AND (@Status::text IS NULL OR status = @Status)
        """;

    public async Task<IdeaRow> SubmitAsync(NewIdea idea, CancellationToken ct)
    {
        try
        {
            return await dataSource.InTransactionAsync((_, tx) => InsertAsync(tx, idea), ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && idea.IdempotencyKey is not null)
        {
            // A concurrent retry with the same key won the race: answer its idea.
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            return await FindByKeyAsync(connection, null, idea.AuthorMemberId, idea.IdempotencyKey)
                ?? throw new InvalidOperationException("The idempotency key collided but no idea holds it.");
        }
    }

    private static async Task<IdeaRow> InsertAsync(NpgsqlTransaction tx, NewIdea idea)
    {
        if (idea.IdempotencyKey is not null && await FindByKeyAsync(tx.Connection!, tx, idea.AuthorMemberId, idea.IdempotencyKey) is { } earlier)
        {
            return earlier;
        }
        var (status, note) = idea.Draft ? (IdeaState.Draft, "") : await ArriveAsync(tx, idea.Cycle, idea.QueueIfFull);
        var row = await tx.Connection!.QuerySingleAsync<IdeaRow>(
            $"""
            INSERT INTO ideas (id, cycle_id, program_id, title, description, location, links, category, tier, author_member_id,
                               status, status_reason, idempotency_key, submitted_at)
            VALUES (@Id, @CycleId, @ProgramId, @Title, @Description, @Location, @Links, @Category, @Tier, @AuthorMemberId,
                    @status, @note, @IdempotencyKey, CASE WHEN @status = 'draft' THEN NULL ELSE clock_timestamp() END)
            RETURNING {Columns}
            """,
            new
            {
                Id = Guid.CreateVersion7(), idea.Cycle.CycleId, idea.Cycle.ProgramId, idea.Title, idea.Description, idea.Location, idea.Links,
                idea.Category, idea.Tier, idea.AuthorMemberId, status, note, idea.IdempotencyKey,
            }, tx);
        await RecordAsync(tx, row, idea.Draft ? "drafted" : status, idea.AuthorMemberId, note);
        await EnqueueSubmittedAsync(tx, row);
        return row;
    }

    /// <summary>
    /// A draft takes its place under the cycle's cap (or in the queue) as a new submission would.
    /// </summary>
    public Task<IdeaRow> SubmitDraftAsync(Guid id, string member, CycleTerms cycle, bool queueIfFull, CancellationToken ct) =>
        ChangeAsync(id, async (tx, idea) =>
        {
            EnsureAuthor(idea, member, "submit");
            if (idea.Status != IdeaState.Draft)
            {
                throw Check.Precondition($"Idea {id} is {idea.Status}, not a draft; it has already been submitted.");
            }
            var (status, note) = await ArriveAsync(tx, cycle, queueIfFull);
            var row = await MoveAsync(tx, idea, status, member, note, null);
            await EnqueueSubmittedAsync(tx, row);
            return row;
        }, ct);

    /// <summary>Changes the author's text while no moderator has decided on the idea.</summary>
    public Task<IdeaRow> UpdateAsync(Guid id, string member, IdeaEdit edit, CancellationToken ct) =>
        ChangeAsync(id, async (tx, idea) =>
        {
            EnsureAuthor(idea, member, "edit");
            if (!IdeaState.Editable.Contains(idea.Status))
            {
                throw Check.Precondition($"Idea {id} is {idea.Status}; it can be edited only while {string.Join(", ", IdeaState.Editable)}.");
            }
            var row = await tx.Connection!.QuerySingleAsync<IdeaRow>(
                $"""
                UPDATE ideas SET title = coalesce(@Title, title), description = coalesce(@Description, description),
                    location = coalesce(@Location, location), links = coalesce(@Links, links), updated_at = clock_timestamp()
                WHERE id = @id RETURNING {Columns}
                """, new { id, edit.Title, edit.Description, edit.Location, edit.Links }, tx);
            await RecordAsync(tx, row, $"edited {string.Join(", ", edit.Changed)}", member, "");
            if (row.Status != IdeaState.Draft)
            {
                await tx.EnqueueAsync(new IdeaUpdated(row.Id, row.CycleId, row.Title, row.Description, row.Location, row.Links, edit.Changed));
            }
            return row;
        }, ct);

    /// <summary>
    /// The author takes the idea back. An idea in the vote leaves it first (<paramref name="leaveVote"/>,
    /// which refuses once the vote has closed), while this transaction holds the idea's row: an
    /// approval racing the withdrawal cannot slip between the two.
    /// </summary>
    public Task<IdeaRow> WithdrawAsync(Guid id, string member, string reason, Func<IdeaRow, Task> leaveVote, CancellationToken ct) =>
        ChangeAsync(id, async (tx, idea) =>
        {
            EnsureAuthor(idea, member, "withdraw");
            if (idea.Status == IdeaState.Approved)
            {
                await leaveVote(idea);
            }
            return await MoveAsync(tx, idea, IdeaState.Withdrawn, member, reason,
                i => idea.Status == IdeaState.Draft ? null : new IdeaWithdrawn(i.Id, i.CycleId, i.ProgramId, member, reason, idea.Status));
        }, ct);

    /// <summary>Moves an idea to <paramref name="target"/> if its status allows it, or refuses naming its status.</summary>
    public Task<IdeaRow> TransitionAsync(
        Guid id, string target, string actor, string reason, Func<IdeaRow, IntegrationEvent> eventFor, CancellationToken ct) =>
        ChangeAsync(id, (tx, idea) => MoveAsync(tx, idea, target, actor, reason, eventFor), ct);

    /// <summary>
    /// The move inside a caller's transaction, on a row the caller locked: sets the status,
    /// records the change and enqueues the event <paramref name="eventFor"/> gives (none for null).
    /// </summary>
    public static async Task<IdeaRow> MoveAsync(
        NpgsqlTransaction tx, IdeaRow idea, string target, string actor, string reason, Func<IdeaRow, IntegrationEvent?>? eventFor)
    {
        if (!IdeaState.CanMove(idea.Status, target))
        {
            throw Check.Precondition(
                $"Idea {idea.Id} is {idea.Status}; it must be {string.Join(" or ", IdeaState.AllowedBefore(target))} to become {target}.");
        }
        var row = await tx.Connection!.QuerySingleAsync<IdeaRow>(
            $"""
            UPDATE ideas SET status = @target, status_reason = @reason, updated_at = clock_timestamp(),
                submitted_at = CASE WHEN @target IN ('submitted', 'queued') THEN clock_timestamp() ELSE submitted_at END
            WHERE id = @Id RETURNING {Columns}
            """, new { idea.Id, target, reason }, tx);
        await RecordAsync(tx, row, target, actor, reason);
        if (eventFor?.Invoke(row) is { } @event)
        {
            await tx.EnqueueAsync(@event);
        }
        return row;
    }

    /// <summary>Locks and reads an idea for a change in the caller's transaction.</summary>
    public static async Task<IdeaRow> LockAsync(NpgsqlTransaction tx, Guid id) =>
        await tx.Connection!.QuerySingleOrDefaultAsync<IdeaRow>($"SELECT {Columns} FROM ideas WHERE id = @id FOR UPDATE", new { id }, tx)
        ?? throw Check.NotFound($"No idea has id {id}.");

    /// <summary>Queued ideas of a program, in arrival order, locked for entering its next cycle.</summary>
    public static Task<IReadOnlyList<IdeaRow>> LockQueueAsync(NpgsqlTransaction tx, Guid programId) =>
        LockWhereAsync(tx, "program_id = @programId AND status = 'queued' ORDER BY submitted_at, id", new { programId });

    /// <summary>A closed cycle's ideas still in the vote that did not win, locked for becoming NotFunded.</summary>
    public static Task<IReadOnlyList<IdeaRow>> LockNotFundedAsync(NpgsqlTransaction tx, Guid cycleId, Guid[] funded) =>
        LockWhereAsync(tx, "cycle_id = @cycleId AND status = 'approved' AND NOT (id = ANY(@funded)) ORDER BY id", new { cycleId, funded });

    private static async Task<IReadOnlyList<IdeaRow>> LockWhereAsync(NpgsqlTransaction tx, string condition, object args) =>
        (await tx.Connection!.QueryAsync<IdeaRow>($"SELECT {Columns} FROM ideas WHERE {condition} FOR UPDATE", args, tx)).AsList();

    /// <summary>A queued idea enters <paramref name="cycle"/> if it has room; false when it is full too.</summary>
    public static async Task<bool> EnterFromQueueAsync(NpgsqlTransaction tx, IdeaRow idea, Guid cycle, string cycleName, int cap)
    {
        if (!await TryAdmitAsync(tx, cycle, cap))
        {
            return false;
        }
        var moved = idea with { CycleId = cycle };
        await tx.Connection!.ExecuteAsync("UPDATE ideas SET cycle_id = @cycle WHERE id = @Id", new { cycle, idea.Id }, tx);
        var row = await MoveAsync(tx, moved, IdeaState.Submitted, "ideas", $"entered cycle {cycleName} from the queue", null);
        await EnqueueSubmittedAsync(tx, row);
        return true;
    }

    /// <summary>How many of a cycle's ideas are in each status, drafts left out (they are private).</summary>
    public async Task<IReadOnlyList<(string Status, long Count)>> CountAsync(Guid cycleId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<(string, long)>(
            "SELECT status, count(*) FROM ideas WHERE cycle_id = @cycleId AND status <> 'draft' GROUP BY status", new { cycleId })).AsList();
    }

    public Task<IdeaRow> GetAsync(Guid id, CancellationToken ct) =>
        dataSource.SingleOrNotFoundAsync<IdeaRow>($"SELECT {Columns} FROM ideas WHERE id = @id", new { id }, $"No idea has id {id}.", ct);

    /// <summary>An idea's changes, oldest first. Every idea has at least its creation recorded, so none means no such idea.</summary>
    public async Task<IReadOnlyList<IdeaChangeRow>> HistoryAsync(Guid id, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var history = (await connection.QueryAsync<IdeaChangeRow>(
            "SELECT status, action, actor, note, at FROM idea_history WHERE idea_id = @id ORDER BY at", new { id })).AsList();
        return history.Count > 0 ? history : throw Check.NotFound($"No idea has id {id}.");
    }

    public async Task<IReadOnlyList<IdeaRow>> ListAsync(IdeaFilter filter, (DateTime At, Guid Id)? after, int limit, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<IdeaRow>(
            $"""
            SELECT {Columns} FROM ideas
            WHERE {FilterSql} AND (@AfterAt::timestamptz IS NULL OR (created_at, id) > (@AfterAt, @AfterId))
            ORDER BY created_at, id LIMIT @limit
            """, Parameters(filter, new { AfterAt = after?.At, AfterId = after?.Id ?? Guid.Empty, limit }))).AsList();
    }

    /// <summary>Submitted ideas oldest first, and how many wait in all.</summary>
    public async Task<(IReadOnlyList<IdeaRow> Page, int Waiting)> ModerationQueueAsync(
        Guid? programId, Guid? cycleId, (DateTime At, Guid Id)? after, int limit, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        const string Scope = "status = 'submitted' AND (@programId::uuid IS NULL OR program_id = @programId) AND (@cycleId::uuid IS NULL OR cycle_id = @cycleId)";
        var args = new { programId, cycleId, AfterAt = after?.At, AfterId = after?.Id ?? Guid.Empty, limit };
        var page = (await connection.QueryAsync<IdeaRow>(
            $"""
            SELECT {Columns} FROM ideas
            WHERE {Scope} AND (@AfterAt::timestamptz IS NULL OR (submitted_at, id) > (@AfterAt, @AfterId))
            ORDER BY submitted_at, id LIMIT @limit
            """, args)).AsList();
        return (page, await connection.ExecuteScalarAsync<int>($"SELECT count(*) FROM ideas WHERE {Scope}", args));
    }

    /// <summary>Ideas matching <paramref name="query"/> (web-search syntax), best match first.</summary>
    public async Task<IReadOnlyList<(IdeaRow Idea, float Rank)>> SearchAsync(
        string query, IdeaFilter filter, (float Rank, Guid Id)? after, int limit, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var hits = (await connection.QueryAsync<(Guid Id, float Rank)>(
            $"""
            SELECT id, rank FROM (
                SELECT id, ts_rank(search, q) AS rank FROM ideas, websearch_to_tsquery('english', @query) q
                WHERE search @@ q AND {FilterSql}) hits
            WHERE @AfterRank::real IS NULL OR rank < @AfterRank OR (rank = @AfterRank AND id > @AfterId)
            ORDER BY rank DESC, id LIMIT @limit
            """, Parameters(filter, new { query, AfterRank = after?.Rank, AfterId = after?.Id ?? Guid.Empty, limit }))).AsList();
        var rows = (await connection.QueryAsync<IdeaRow>($"SELECT {Columns} FROM ideas WHERE id = ANY(@ids)", new { ids = hits.Select(h => h.Id).ToArray() }))
            .ToDictionary(r => r.Id);
        return hits.Select(h => (rows[h.Id], h.Rank)).ToList();
    }

    /// <summary>Runs <paramref name="change"/> on the idea's locked row in one transaction.</summary>
    private Task<IdeaRow> ChangeAsync(Guid id, Func<NpgsqlTransaction, IdeaRow, Task<IdeaRow>> change, CancellationToken ct) =>
        dataSource.InTransactionAsync(async (_, tx) => await change(tx, await LockAsync(tx, id)), ct);

    /// <summary>
    /// An idea arriving for a cycle: submitted if the cycle has room under its cap; queued for
    /// the next cycle if it is full and the partner asked for that; refused otherwise.
    /// </summary>
    private static async Task<(string Status, string Note)> ArriveAsync(NpgsqlTransaction tx, CycleTerms cycle, bool queueIfFull)
    {
        if (await TryAdmitAsync(tx, cycle.CycleId, cycle.SubmissionCap))
        {
            return (IdeaState.Submitted, "");
        }
        var next = cycle.NextCycleOpensAt is { } opens
            ? $"the program's next cycle, due {opens:u}"
            : "the program's next cycle (none is scheduled yet; an operator opens it)";
        if (queueIfFull)
        {
            return (IdeaState.Queued, $"cycle {cycle.CycleId} was full; waits for {next}");
        }
        throw new RpcException(new Status(StatusCode.ResourceExhausted,
            $"Cycle {cycle.CycleId} has accepted its cap of {cycle.SubmissionCap} ideas; submit to {next}, "
            + "or set queue_if_full to queue the idea for it."));
    }

    /// <summary>Takes a place under the cycle's cap. The conditional upsert serializes on the counter row, so the cap is exact.</summary>
    private static async Task<bool> TryAdmitAsync(NpgsqlTransaction tx, Guid cycleId, int cap) =>
        await tx.Connection!.QuerySingleOrDefaultAsync<int?>(
            """
            INSERT INTO cycle_submissions AS s (cycle_id, accepted) VALUES (@cycleId, 1)
            ON CONFLICT (cycle_id) DO UPDATE SET accepted = s.accepted + 1 WHERE s.accepted < @cap
            RETURNING accepted
            """, new { cycleId, cap }, tx) is not null;

    private static Task EnqueueSubmittedAsync(NpgsqlTransaction tx, IdeaRow row) =>
        row.Status == IdeaState.Submitted
            ? tx.EnqueueAsync(new IdeaSubmitted(row.Id, row.CycleId, row.ProgramId, row.Title, row.Category, row.Tier, row.AuthorMemberId))
            : Task.CompletedTask;

    private static void EnsureAuthor(IdeaRow idea, string member, string action)
    {
        if (idea.AuthorMemberId != member)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"Only the idea's author may {action} idea {idea.Id}; {member} is not its author."));
        }
    }

    private static Task<IdeaRow?> FindByKeyAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string author, string key) =>
        connection.QuerySingleOrDefaultAsync<IdeaRow>(
            $"SELECT {Columns} FROM ideas WHERE author_member_id = @author AND idempotency_key = @key", new { author, key }, tx);

    private static DynamicParameters Parameters(IdeaFilter filter, object paging)
    {
        var parameters = new DynamicParameters(filter);
        parameters.AddDynamicParams(paging);
        return parameters;
    }

    private static Task RecordAsync(NpgsqlTransaction tx, IdeaRow idea, string action, string actor, string note) =>
        tx.Connection!.ExecuteAsync(
            "INSERT INTO idea_history (idea_id, status, action, actor, note) VALUES (@Id, @Status, @action, @actor, @note)",
            new { idea.Id, idea.Status, action, actor, note }, tx);
}
