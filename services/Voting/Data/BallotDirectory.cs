using System.Collections.Concurrent;
using ConductorMesh.Grants.V1;
using ConductorMesh.Ideas.V1;
using ConductorMesh.ServiceDefaults.Grpc;
using Dapper;
using Grpc.Core;
using Npgsql;

namespace ConductorMesh.Voting.Data;

/// <summary>
/// What the vote must know of ideas, cycles and programs before a vote can be taken. Learnt from
/// the bus, and asked of Ideas and Grants on a miss, so the first vote right after an approval
/// does not race the event.
/// </summary>
public sealed class BallotDirectory(NpgsqlDataSource dataSource, IdeasApi.IdeasApiClient ideas, GrantsApi.GrantsApiClient grants)
{
    private const string IdeaSql =
        """
        SELECT b.idea_id, b.cycle_id, b.tier, b.category, b.withdrawn_at, c.closed_at, p.program_id, p.time_zone, p.daily_allowance, p.hide_standings,
               c.voting_opened_at, c.closes_at
        FROM ballot_ideas b JOIN ballot_cycles c ON c.cycle_id = b.cycle_id JOIN ballot_programs p ON p.program_id = c.program_id
        """;

    // Ideas known to be on the ballot: once there, an idea stays (withdrawal is checked in the vote's transaction).
    private readonly ConcurrentDictionary<Guid, bool> known = new();

    /// <summary>Makes sure the idea is on the ballot; refuses if it is unknown or not approved.</summary>
    public async Task EnsureIdeaAsync(Guid ideaId, CancellationToken ct)
    {
        if (known.ContainsKey(ideaId))
        {
            return;
        }
        var found = await FindAsync(ideaId, ct);
        if (found is { VotingOpenedAt: null, ClosedAt: null })
        {
            // The vote may have opened a moment ago, its VotingOpened still on the way.
            await RefreshCycleAsync(found.CycleId, ct);
            return;
        }
        if (found is null)
        {
            var idea = await Downstream.AskAsync(() => ideas.GetIdeaAsync(new GetIdeaRequest { IdeaId = ideaId.ToString() }, cancellationToken: ct).ResponseAsync,
                $"No idea has id {ideaId}.", $"idea {ideaId}");
            if (idea.Status != IdeaStatus.Approved)
            {
                throw Check.Precondition($"Idea {ideaId} is not in the vote (its status is {idea.Status}).");
            }
            await AddIdeaAsync(ideaId, Guid.Parse(idea.CycleId), idea.Tier, idea.Category.ToString(), ct);
        }
        known[ideaId] = true;
    }

    public async Task<BallotIdea?> FindAsync(Guid ideaId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<BallotIdea>($"{IdeaSql} WHERE b.idea_id = @ideaId", new { ideaId });
    }

    /// <summary>
    /// The ballot rows of these ideas, locked in share mode for the caller's transaction, and the
    /// database's clock read once the locks are held: the time the rules judge by and the votes
    /// are recorded at. A close waits for these locks, so no vote judged before the deadline can
    /// commit after the close has counted.
    /// </summary>
    public static async Task<(DateTime Now, Dictionary<Guid, BallotIdea> Ideas)> LockIdeasAsync(NpgsqlTransaction tx, Guid[] ideaIds, bool forUpdate = false)
    {
        // A withdrawal takes the idea's row for update: it waits for the votes holding it, and they for it.
        var locks = forUpdate ? "FOR UPDATE OF b FOR SHARE OF c" : "FOR SHARE OF b, c";
        using var read = await tx.Connection!.QueryMultipleAsync(
            $"{IdeaSql} WHERE b.idea_id = ANY(@ideaIds) {locks}; SELECT clock_timestamp();", new { ideaIds }, tx);
        var ideas = (await read.ReadAsync<BallotIdea>()).ToDictionary(i => i.IdeaId);
        return (await read.ReadSingleAsync<DateTime>(), ideas);
    }

    public async Task AddIdeaAsync(Guid ideaId, Guid cycleId, string tier, string category, CancellationToken ct)
    {
        await EnsureCycleAsync(cycleId, ct);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await InsertIdeaAsync(connection, null, ideaId, cycleId, tier, category);
    }

    /// <summary>Puts an idea of a known cycle on the ballot; an idea already there keeps its row (and its withdrawal).</summary>
    public static Task InsertIdeaAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, Guid ideaId, Guid cycleId, string tier, string category) =>
        connection.ExecuteAsync(
            "INSERT INTO ballot_ideas (idea_id, cycle_id, tier, category) VALUES (@ideaId, @cycleId, @tier, @category) ON CONFLICT DO NOTHING",
            new { ideaId, cycleId, tier, category }, tx);

    /// <summary>Makes sure the cycle and its program's rules are known; answers the program.</summary>
    public async Task<Guid> EnsureCycleAsync(Guid cycleId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        if (await connection.QuerySingleOrDefaultAsync<Guid?>("SELECT program_id FROM ballot_cycles WHERE cycle_id = @cycleId", new { cycleId }) is { } known)
        {
            return known;
        }
        var cycle = await Downstream.AskAsync(() => grants.GetCycleAsync(new GetCycleRequest { CycleId = cycleId.ToString() }, cancellationToken: ct).ResponseAsync,
            $"No cycle has id {cycleId}.", $"cycle {cycleId}");
        var program = await ProgramAsync(Guid.Parse(cycle.ProgramId), ct);
        await connection.ExecuteAsync(
            """
            INSERT INTO ballot_cycles (cycle_id, program_id, voting_opened_at, closes_at) VALUES (@cycleId, @ProgramId, @openedAt, @closesAt)
            ON CONFLICT DO NOTHING
            """,
            new { cycleId, program.ProgramId, openedAt = cycle.VotingOpenedAt?.ToDateTime(), closesAt = cycle.ClosesAt?.ToDateTime() });
        return program.ProgramId;
    }

    private readonly ConcurrentDictionary<Guid, DateTime> refreshedAt = new();

    /// <summary>Asks Grants whether a cycle's vote has opened, at most once a second per cycle, and records it if so.</summary>
    private async Task RefreshCycleAsync(Guid cycleId, CancellationToken ct)
    {
        var now = DateTime.UtcNow;
        if (refreshedAt.TryGetValue(cycleId, out var last) && now - last < TimeSpan.FromSeconds(1))
        {
            return;
        }
        refreshedAt[cycleId] = now;
        var cycle = await Downstream.AskAsync(() => grants.GetCycleAsync(new GetCycleRequest { CycleId = cycleId.ToString() }, cancellationToken: ct).ResponseAsync,
            $"No cycle has id {cycleId}.", $"cycle {cycleId}");
        if (cycle.VotingOpenedAt is { } opened)
        {
            await VotingOpenedAsync(cycleId, opened.ToDateTime(), cycle.ClosesAt?.ToDateTime(), ct);
        }
    }

    /// <summary>
    /// Records that a cycle's vote opened (from VotingOpened or Grants' answer), the first time
    /// winning, and its deadline, which no longer changes once the vote is open.
    /// </summary>
    public async Task VotingOpenedAsync(Guid cycleId, DateTime openedAt, DateTime? closesAt, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(
            """
            UPDATE ballot_cycles SET voting_opened_at = COALESCE(voting_opened_at, @openedAt), closes_at = COALESCE(@closesAt, closes_at)
            WHERE cycle_id = @cycleId
            """, new { cycleId, openedAt, closesAt });
    }

    /// <summary>A cycle's program rules and when its vote closed (null while open): one query once the cycle is known.</summary>
    public async Task<(ProgramRules Rules, DateTime? ClosedAt)> CycleAsync(Guid cycleId, CancellationToken ct)
    {
        const string Sql =
            """
            SELECT p.program_id, p.time_zone, p.daily_allowance, p.hide_standings, c.closed_at
            FROM ballot_cycles c JOIN ballot_programs p ON p.program_id = c.program_id WHERE c.cycle_id = @cycleId
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var known = await connection.QuerySingleOrDefaultAsync<CycleRules>(Sql, new { cycleId });
        if (known is null)
        {
            await EnsureCycleAsync(cycleId, ct);
            known = await connection.QuerySingleAsync<CycleRules>(Sql, new { cycleId });
        }
        return (new ProgramRules(known.ProgramId, known.TimeZone, known.DailyAllowance, known.HideStandings), known.ClosedAt);
    }

    private sealed record CycleRules(Guid ProgramId, string TimeZone, int DailyAllowance, bool HideStandings, DateTime? ClosedAt);

    /// <summary>A program's voting rules, asked of Grants the first time.</summary>
    public async Task<ProgramRules> ProgramAsync(Guid programId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        if (await connection.QuerySingleOrDefaultAsync<ProgramRules>(
                "SELECT program_id, time_zone, daily_allowance, hide_standings FROM ballot_programs WHERE program_id = @programId", new { programId }) is { } rules)
        {
            return rules;
        }
        var program = await Downstream.AskAsync(() => grants.GetProgramAsync(new GetProgramRequest { ProgramId = programId.ToString() }, cancellationToken: ct).ResponseAsync,
            $"No program has id {programId}.", $"program {programId}");
        var learnt = new ProgramRules(programId, program.TimeZone, program.DailyVoteAllowance, program.HideStandings);
        await LearnProgramAsync(learnt, ct);
        return learnt;
    }

    /// <summary>Stores a program's voting rules, newest wins (from Grants' answer or its ProgramCreated).</summary>
    public async Task LearnProgramAsync(ProgramRules rules, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(
            """
            INSERT INTO ballot_programs (program_id, time_zone, daily_allowance, hide_standings) VALUES (@ProgramId, @TimeZone, @DailyAllowance, @HideStandings)
            ON CONFLICT (program_id) DO UPDATE SET time_zone = excluded.time_zone, daily_allowance = excluded.daily_allowance, hide_standings = excluded.hide_standings
            """, rules);
    }
}
