using System.Data;
using ConductorMesh.Contracts;
using ConductorMesh.ServiceDefaults.Data;
using ConductorMesh.ServiceDefaults.Messaging;
using ConductorMesh.Voting.Domain;
using Dapper;
using Npgsql;

namespace ConductorMesh.Voting.Data;

/// <summary>What one tally step did: the cycles whose standings changed.</summary>
public sealed record TallyStep(bool Worked, IReadOnlySet<Guid> ChangedCycles);

/// <summary>
/// Counts newly committed votes into idea_counts and the leaderboards, publishes them as
/// VotesTallied and IdeaMilestoneReached through the outbox, and does the rebuilds asked for.
/// One step is one REPEATABLE READ transaction: the votes it takes, the counts it writes and
/// the events it enqueues commit together, and a rebuild sees the vote log as of that instant.
/// </summary>
public sealed class TallyStore(
    NpgsqlDataSource dataSource, Leaderboards leaderboards, Microsoft.Extensions.Options.IOptions<VotingRules> rules, ILogger<TallyStore> logger)
{
    private sealed record Taken(Guid IdeaId, Guid CycleId, DateTime CastAt, string? VoterId);

    private sealed record Counted(Guid IdeaId, Guid CycleId, long Votes, DateTime LastVoteAt, string Tier, string Category, bool Withdrawn);

    /// <summary>Leaderboards may miss writes made while Redis was away: the next step rebuilds them all.</summary>
    private bool redisBehind = true;

    // While Redis fails, the boards are tried again after a pause that doubles up to half a minute.
    private static readonly TimeSpan MaxRedisBackoff = TimeSpan.FromSeconds(30);
    private TimeSpan redisBackoff = TimeSpan.FromSeconds(1);
    private DateTime redisRetryAt = DateTime.MinValue;

    /// <summary>The channel that wakes the tally leader; a NOTIFY inside a transaction is delivered at its commit.</summary>
    public const string WakeChannel = "tally_wake";

    public const string WakeSql = $"NOTIFY {WakeChannel}";

    /// <summary>Asks, inside the caller's transaction, for the boards of a cycle (null: every cycle) to be rebuilt by the leader; answers the request's id.</summary>
    public static Task<long> RequestRebuildAsync(NpgsqlTransaction tx, Guid? cycleId) =>
        tx.Connection!.ExecuteScalarAsync<long>(
            $"INSERT INTO leaderboard_rebuilds (cycle_id) VALUES (@cycleId) RETURNING id; {WakeSql}", new { cycleId }, tx);

    /// <summary>
    /// Asks the tally leader (on whichever replica) to rebuild the boards of a cycle, or of every
    /// cycle, and waits until it has: answers how many cycles and ideas it placed.
    /// </summary>
    public async Task<(int Cycles, int Ideas)> RebuildAsync(Guid? cycleId, CancellationToken ct)
    {
        var id = await dataSource.InTransactionAsync((_, tx) => RequestRebuildAsync(tx, cycleId), ct);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        while (true)
        {
            var done = await connection.QuerySingleAsync<(DateTime? DoneAt, int? Cycles, int? Ideas)>(
                "SELECT done_at, cycles, ideas FROM leaderboard_rebuilds WHERE id = @id", new { id });
            if (done.DoneAt is not null)
            {
                return (done.Cycles ?? 0, done.Ideas ?? 0);
            }
            await Task.Delay(rules.Value.TallyInterval, ct);
        }
    }

    /// <summary>The votes counted for an idea so far (a withdrawn idea keeps those counted before it was withdrawn).</summary>
    public async Task<long> CountedAsync(Guid ideaId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<long?>("SELECT votes FROM idea_counts WHERE idea_id = @ideaId", new { ideaId }) ?? 0;
    }

    /// <summary>The next step rebuilds every board (a new leader cannot know what happened to Redis before it).</summary>
    public void RebuildEverythingNext() => redisBehind = true;

    public async Task<TallyStep> StepAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var tx = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        var taken = (await connection.QueryAsync<Taken>(
            // A range of the primary key, not "id IN (a subquery)": under a burst the queue holds
            // many thousands of rows, and the IN form kept one PostgreSQL core busy for seconds per
            // step (docs/benchmarks.md). Rows committed after this snapshot are not visible, so
            // they wait for the next step whatever their id.
            """
            DELETE FROM untallied_votes
            WHERE id <= (SELECT max(id) FROM (SELECT id FROM untallied_votes ORDER BY id LIMIT 50000) AS next)
            RETURNING idea_id, cycle_id, cast_at, voter_id
            """,
            transaction: tx)).AsList();
        var requests = (await connection.QueryAsync<(long Id, Guid? CycleId)>(
            "SELECT id, cycle_id FROM leaderboard_rebuilds WHERE done_at IS NULL ORDER BY id", transaction: tx)).AsList();
        var rebuildAll = redisBehind || requests.Any(r => r.CycleId is null);
        var boardsNow = !redisBehind || DateTime.UtcNow >= redisRetryAt;
        VotingMetrics.Tallied(taken.Count == 0 ? TimeSpan.Zero : DateTime.UtcNow - taken.Min(t => t.CastAt));
        if (taken.Count == 0 && ((requests.Count == 0 && !rebuildAll) || !boardsNow))
        {
            await tx.CommitAsync(ct);
            return new TallyStep(false, new HashSet<Guid>());
        }

        var changed = new HashSet<Guid>(taken.Select(t => t.CycleId));
        var counted = taken.Count == 0 ? [] : await CountAsync(tx, taken);
        var stillBehind = !boardsNow;
        try
        {
            if (!boardsNow)
            {
                // Counts and events commit now; the boards wait for Redis's next try.
                await tx.CommitAsync(ct);
                return new TallyStep(true, changed);
            }
            await leaderboards.SetAsync(counted.Where(c => !c.Withdrawn).Select(c => new BoardEntry(c.IdeaId, c.CycleId, c.Tier, c.Category, c.Votes, c.LastVoteAt)).ToList());
            var rebuilt = await RebuildBoardsAsync(tx, rebuildAll ? null : requests.Select(r => r.CycleId!.Value).Distinct().ToArray());
            changed.UnionWith(rebuilt.Cycles);
            await connection.ExecuteAsync("UPDATE leaderboard_rebuilds SET done_at = now(), cycles = @Count, ideas = @Ideas WHERE id = ANY(@ids)",
                new { rebuilt.Cycles.Count, rebuilt.Ideas, ids = requests.Select(r => r.Id).ToArray() }, tx);
        }
        catch (Exception e) when (e is StackExchange.Redis.RedisException or TimeoutException)
        {
            // A timeout as a lost connection: counts and events still commit, and the boards catch up
            // with a full rebuild once Redis answers, tried again after a pause.
            logger.LogWarning("Leaderboards not updated ({Message}); rebuilt from the vote log in {Pause}", e.Message, redisBackoff);
            stillBehind = true;
            redisRetryAt = DateTime.UtcNow + redisBackoff;
            redisBackoff = TimeSpan.FromTicks(Math.Min(redisBackoff.Ticks * 2, MaxRedisBackoff.Ticks));
        }
        if (!stillBehind)
        {
            redisBackoff = TimeSpan.FromSeconds(1);
        }
        await tx.CommitAsync(ct);
        redisBehind = stillBehind;
        return new TallyStep(true, changed);
    }

    private async Task<IReadOnlyList<Counted>> CountAsync(NpgsqlTransaction tx, IReadOnlyList<Taken> taken)
    {
        var perIdea = taken.GroupBy(t => t.IdeaId)
            .Select(g => (IdeaId: g.Key, g.First().CycleId, New: g.Count(), Last: g.Max(t => t.CastAt), First: g.Min(t => t.CastAt),
                Voters: g.Select(t => t.VoterId).OfType<string>().Distinct().ToList())).ToList();
        var counted = (await tx.Connection!.QueryAsync<Counted>(
            """
            WITH c AS (
                INSERT INTO idea_counts AS c (idea_id, cycle_id, votes, last_vote_at) SELECT * FROM unnest(@ideas, @cycles, @news, @lasts)
                ON CONFLICT (idea_id) DO UPDATE SET votes = c.votes + excluded.votes, last_vote_at = greatest(c.last_vote_at, excluded.last_vote_at)
                RETURNING idea_id, cycle_id, votes, last_vote_at)
            SELECT c.idea_id, c.cycle_id, c.votes, c.last_vote_at, b.tier, b.category, b.withdrawn_at IS NOT NULL AS withdrawn
            FROM c JOIN ballot_ideas b ON b.idea_id = c.idea_id
            """,
            new
            {
                ideas = perIdea.Select(p => p.IdeaId).ToArray(),
                cycles = perIdea.Select(p => p.CycleId).ToArray(),
                news = perIdea.Select(p => (long)p.New).ToArray(),
                lasts = perIdea.Select(p => p.Last).ToArray(),
            }, tx)).ToDictionary(c => c.IdeaId);

        foreach (var cycle in perIdea.GroupBy(p => p.CycleId))
        {
            var counts = cycle.Select(p => new IdeaVoteCount(p.IdeaId, p.New, counted[p.IdeaId].Votes, p.Voters)).ToList();
            foreach (var message in TallyMessages.Split(counts))
            {
                await tx.EnqueueAsync(new VotesTallied(cycle.Key, cycle.Min(p => p.First), cycle.Max(p => p.Last), message));
            }
        }
        foreach (var p in perIdea)
        {
            var total = counted[p.IdeaId].Votes;
            foreach (var milestone in rules.Value.Passed(total - p.New, total))
            {
                await tx.EnqueueAsync(new IdeaMilestoneReached(p.IdeaId, p.CycleId, milestone, total));
            }
        }
        return counted.Values.ToList();
    }

    /// <summary>
    /// Rebuilds the boards of these cycles (null: every cycle) from the vote log in this
    /// transaction's snapshot. Open cycles only: a closed cycle's board is read from its final
    /// tallies, so its Redis boards are never needed again.
    /// </summary>
    private async Task<(IReadOnlyList<Guid> Cycles, int Ideas)> RebuildBoardsAsync(NpgsqlTransaction tx, Guid[]? cycles)
    {
        if (cycles is { Length: 0 })
        {
            return ([], 0);
        }
        // Every idea of the ballot, so boards left empty are removed; a withdrawn idea counts no votes there.
        const string Counted = $"b.withdrawn_at IS NULL AND {VoteReviews.CountedSql}";
        using var read = await tx.Connection!.QueryMultipleAsync(
            $"""
            SELECT cycle_id FROM ballot_cycles WHERE closed_at IS NULL AND (@cycles::uuid[] IS NULL OR cycle_id = ANY(@cycles));
            SELECT b.idea_id, b.cycle_id, b.tier, b.category, count(v.id) FILTER (WHERE {Counted}) AS votes,
                   COALESCE(max(v.cast_at) FILTER (WHERE {Counted}), 'epoch') AS last_vote_at
            FROM ballot_ideas b JOIN ballot_cycles c ON c.cycle_id = b.cycle_id LEFT JOIN votes v ON v.idea_id = b.idea_id
            WHERE c.closed_at IS NULL AND (@cycles::uuid[] IS NULL OR b.cycle_id = ANY(@cycles))
            GROUP BY b.idea_id
            """, new { cycles }, tx);
        var rebuilt = (await read.ReadAsync<Guid>()).AsList();
        var ballot = (await read.ReadAsync<BoardEntry>()).AsList();
        foreach (var cycle in rebuilt)
        {
            await leaderboards.ReplaceAsync(cycle, ballot.Where(i => i.CycleId == cycle).ToList());
        }
        return (rebuilt, ballot.Count(i => i.Votes > 0));
    }
}
