using ConductorMesh.Contracts;
using ConductorMesh.Ideas.Domain;
using ConductorMesh.ServiceDefaults.Data;
using ConductorMesh.ServiceDefaults.Grpc;
using ConductorMesh.ServiceDefaults.Messaging;
using Dapper;
using Grpc.Core;
using Npgsql;

namespace ConductorMesh.Ideas.Data;

/// <summary>Ideas in the Ideas database; every change records its history and enqueues its event.</summary>
public sealed class IdeasStore(NpgsqlDataSource dataSource)
{
    private const string Columns =
        "id, cycle_id, program_id, title, description, category, tier, author_member_id, status, rejection_reason, created_at, updated_at";

    public async Task<IdeaRow> SubmitAsync(NewIdea idea, CancellationToken ct)
    {
        try
        {
            return await dataSource.InTransactionAsync((connection, tx) => InsertAsync(connection, tx, idea), ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && idea.IdempotencyKey is not null)
        {
            // A concurrent retry with the same key won the race: answer its idea.
            return await FindByKeyAsync(idea.AuthorMemberId, idea.IdempotencyKey, ct)
                ?? throw new InvalidOperationException("The idempotency key collided but no idea holds it.");
        }
    }

    private static async Task<IdeaRow> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction tx, NewIdea idea)
    {
        if (idea.IdempotencyKey is not null && await FindByKeyAsync(connection, tx, idea.AuthorMemberId, idea.IdempotencyKey) is { } earlier)
        {
            return earlier;
        }
        var admitted = await connection.QuerySingleOrDefaultAsync<int?>(
            """
            INSERT INTO cycle_submissions AS s (cycle_id, accepted) VALUES (@CycleId, 1)
            ON CONFLICT (cycle_id) DO UPDATE SET accepted = s.accepted + 1 WHERE s.accepted < @SubmissionCap
            RETURNING accepted
            """, new { idea.CycleId, idea.SubmissionCap }, tx);
        if (admitted is null)
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted,
                $"Cycle {idea.CycleId} has accepted its cap of {idea.SubmissionCap} ideas; submit to the next cycle when it opens."));
        }
        var row = await connection.QuerySingleAsync<IdeaRow>(
            $"""
            INSERT INTO ideas (id, cycle_id, program_id, title, description, category, tier, author_member_id, status, idempotency_key)
            VALUES (@Id, @CycleId, @ProgramId, @Title, @Description, @Category, @Tier, @AuthorMemberId, '{IdeaState.Submitted}', @IdempotencyKey)
            RETURNING {Columns}
            """, new { Id = Guid.CreateVersion7(), idea.CycleId, idea.ProgramId, idea.Title, idea.Description, idea.Category, idea.Tier, idea.AuthorMemberId, idea.IdempotencyKey }, tx);
        await RecordAsync(tx, row.Id, IdeaState.Submitted, idea.AuthorMemberId, "");
        await tx.EnqueueAsync(new IdeaSubmitted(row.Id, row.CycleId, row.ProgramId, row.Title, row.Category, row.Tier, row.AuthorMemberId));
        return row;
    }

    public async Task<IdeaRow> GetAsync(Guid id, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await GetAsync(connection, null, id);
    }

    public async Task<IReadOnlyList<IdeaRow>> ListAsync(Guid cycleId, string? status, (DateTime At, Guid Id)? after, int limit, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<IdeaRow>(
            $"""
            SELECT {Columns} FROM ideas
            WHERE cycle_id = @cycleId AND (@status::text IS NULL OR status = @status)
              AND (@AfterAt::timestamptz IS NULL OR (created_at, id) > (@AfterAt, @AfterId))
            ORDER BY created_at, id LIMIT @limit
            """, new { cycleId, status, AfterAt = after?.At, AfterId = after?.Id ?? Guid.Empty, limit })).AsList();
    }

    /// <summary>
    /// Moves an idea to <paramref name="target"/> if its current status allows it, recording who
    /// did it and enqueueing <paramref name="eventFor"/>'s event in the same transaction.
    /// </summary>
    public Task<IdeaRow> TransitionAsync(
        Guid id, string target, string actor, string reason, Func<IdeaRow, IntegrationEvent> eventFor, CancellationToken ct) =>
        dataSource.InTransactionAsync(async (connection, tx) =>
            await TransitionAsync(tx, id, target, actor, reason, eventFor)
            ?? throw Check.Precondition(
                $"Idea {id} is {(await GetAsync(connection, tx, id)).Status}; it must be {string.Join(" or ", IdeaState.AllowedBefore(target))} to become {target}."),
            ct);

    /// <summary>The transition inside a caller's transaction; null when the idea's status does not allow it.</summary>
    public static async Task<IdeaRow?> TransitionAsync(
        NpgsqlTransaction tx, Guid id, string target, string actor, string reason, Func<IdeaRow, IntegrationEvent> eventFor)
    {
        var row = await tx.Connection!.QuerySingleOrDefaultAsync<IdeaRow>(
            $"""
            UPDATE ideas SET status = @target, rejection_reason = @reason, updated_at = clock_timestamp()
            WHERE id = @id AND status = ANY(@from) RETURNING {Columns}
            """, new { id, target, reason, from = IdeaState.AllowedBefore(target) }, tx);
        if (row is null)
        {
            return null;
        }
        await RecordAsync(tx, id, target, actor, reason);
        await tx.EnqueueAsync(eventFor(row));
        return row;
    }

    private static async Task<IdeaRow> GetAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, Guid id) =>
        await connection.QuerySingleOrDefaultAsync<IdeaRow>($"SELECT {Columns} FROM ideas WHERE id = @id", new { id }, tx)
        ?? throw Check.NotFound($"No idea has id {id}.");

    private async Task<IdeaRow?> FindByKeyAsync(string author, string key, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await FindByKeyAsync(connection, null, author, key);
    }

    private static Task<IdeaRow?> FindByKeyAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string author, string key) =>
        connection.QuerySingleOrDefaultAsync<IdeaRow>(
            $"SELECT {Columns} FROM ideas WHERE author_member_id = @author AND idempotency_key = @key", new { author, key }, tx);

    private static Task RecordAsync(NpgsqlTransaction tx, Guid id, string status, string actor, string note) =>
        tx.Connection!.ExecuteAsync("INSERT INTO idea_history (idea_id, status, actor, note) VALUES (@id, @status, @actor, @note)",
            new { id, status, actor, note }, tx);
}
