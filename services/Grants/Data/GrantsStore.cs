using System.Text.Json;
using ConductorMesh.Contracts;
using ConductorMesh.Grants.Domain;
using ConductorMesh.ServiceDefaults.Data;
using ConductorMesh.ServiceDefaults.Grpc;
using ConductorMesh.ServiceDefaults.Messaging;
using Dapper;
using Npgsql;

namespace ConductorMesh.Grants.Data;

/// <summary>Programs, cycles and awards in the Grants database; every change enqueues its events.</summary>
public sealed class GrantsStore(NpgsqlDataSource dataSource)
{
    private const string ProgramColumns = "id, name, currency, budget_minor, awarded_minor, created_at, time_zone, daily_vote_allowance, hide_standings";
    private const string CycleColumns = "id, program_id, name, phase, tiers::text AS tiers, submission_cap, opened_at, closed_at, closes_at";
    private const string AwardColumns = "id, program_id, cycle_id, idea_id, tier, amount_minor, rank, votes, awarded_at";

    public Task<ProgramRow> CreateProgramAsync(NewProgram p, CancellationToken ct) =>
        dataSource.InTransactionAsync(async (connection, tx) =>
        {
            var program = await connection.QuerySingleAsync<ProgramRow>(
                $"""
                INSERT INTO programs (id, name, currency, budget_minor, time_zone, daily_vote_allowance, hide_standings)
                VALUES (@Id, @Name, @Currency, @BudgetMinor, @TimeZone, @DailyVoteAllowance, @HideStandings) RETURNING {ProgramColumns}
                """, new { Id = Guid.CreateVersion7(), p.Name, p.Currency, p.BudgetMinor, p.TimeZone, p.DailyVoteAllowance, p.HideStandings }, tx);
            await tx.EnqueueAsync(new ProgramCreated(program.Id, p.Name, p.Currency, p.BudgetMinor, p.TimeZone, p.DailyVoteAllowance, p.HideStandings));
            return program;
        }, ct);

    public async Task<ProgramRow> GetProgramAsync(Guid id, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<ProgramRow>($"SELECT {ProgramColumns} FROM programs WHERE id = @id", new { id })
            ?? throw Check.NotFound($"No program has id {id}.");
    }

    public Task<CycleRow> OpenCycleAsync(Guid programId, string name, IReadOnlyList<TierTerms> tiers, int cap, DateTime closesAt, CancellationToken ct) =>
        dataSource.InTransactionAsync(async (connection, tx) =>
        {
            var open = await connection.QuerySingleOrDefaultAsync<Guid?>(
                "SELECT c.id FROM programs p LEFT JOIN cycles c ON c.program_id = p.id AND c.phase = 'open' WHERE p.id = @programId FOR UPDATE OF p",
                new { programId }, tx);
            if (open is { } openId)
            {
                throw Check.Precondition($"Program {programId} already has an open cycle ({openId}); close it before opening another.");
            }
            var cycle = await connection.QuerySingleOrDefaultAsync<CycleRow>(
                $"""
                INSERT INTO cycles (id, program_id, name, phase, tiers, submission_cap, closes_at)
                SELECT @Id, id, @name, 'open', @Tiers::jsonb, @cap, @closesAt FROM programs WHERE id = @programId
                RETURNING {CycleColumns}
                """,
                new { Id = Guid.CreateVersion7(), programId, name, Tiers = JsonSerializer.Serialize(tiers), cap, closesAt }, tx)
                ?? throw Check.NotFound($"No program has id {programId}.");
            await tx.EnqueueAsync(new CycleOpened(cycle.Id, programId, name, tiers, cap));
            return cycle;
        }, ct);

    public async Task<CycleRow> GetCycleAsync(Guid id, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<CycleRow>($"SELECT {CycleColumns} FROM cycles WHERE id = @id", new { id })
            ?? throw Check.NotFound($"No cycle has id {id}.");
    }

    /// <summary>
    /// Awards the winners and closes the cycle in one transaction. The cycle row is locked first,
    /// so of two concurrent closes one awards and the other finds the cycle closed.
    /// </summary>
    public Task CloseCycleAsync(Guid cycleId, IReadOnlyList<Tally> tallies, CancellationToken ct) =>
        dataSource.InTransactionAsync(async (connection, tx) =>
        {
            var cycle = await connection.QuerySingleAsync<CycleRow>($"SELECT {CycleColumns} FROM cycles WHERE id = @cycleId FOR UPDATE", new { cycleId }, tx);
            if (cycle.Phase == "closed")
            {
                return 0;
            }
            var program = await connection.QuerySingleAsync<ProgramRow>(
                $"SELECT {ProgramColumns} FROM programs WHERE id = @ProgramId FOR UPDATE", new { cycle.ProgramId }, tx);
            var placements = WinnerSelection.TopPerTier(TiersOf(cycle), tallies, program.BudgetMinor - program.AwardedMinor);
            var awarded = 0L;
            foreach (var p in placements)
            {
                await connection.ExecuteAsync(
                    "INSERT INTO rankings (cycle_id, idea_id, tier, votes, rank, awarded, outcome) VALUES (@cycleId, @IdeaId, @Tier, @Votes, @Rank, @Awarded, @Outcome)",
                    new { cycleId, p.IdeaId, p.Tier, p.Votes, p.Rank, p.Awarded, p.Outcome }, tx);
                if (!p.Awarded)
                {
                    continue;
                }
                var awardId = Guid.CreateVersion7();
                await connection.ExecuteAsync(
                    "INSERT INTO awards (id, program_id, cycle_id, idea_id, tier, amount_minor, rank, votes) VALUES (@awardId, @ProgramId, @cycleId, @IdeaId, @Tier, @AmountMinor, @Rank, @Votes)",
                    new { awardId, cycle.ProgramId, cycleId, p.IdeaId, p.Tier, p.AmountMinor, p.Rank, p.Votes }, tx);
                await tx.EnqueueAsync(new GrantAwarded(awardId, cycle.ProgramId, cycleId, p.IdeaId, p.Tier, p.AmountMinor, program.Currency, p.Rank, p.Votes));
                awarded += p.AmountMinor;
            }
            await connection.ExecuteAsync("UPDATE programs SET awarded_minor = awarded_minor + @awarded WHERE id = @ProgramId", new { awarded, cycle.ProgramId }, tx);
            await connection.ExecuteAsync("UPDATE cycles SET phase = 'closed', closed_at = now() WHERE id = @cycleId", new { cycleId }, tx);
            var funded = placements.Where(p => p.Awarded).Select(p => p.IdeaId).ToList();
            await tx.EnqueueAsync(new CycleClosed(cycleId, cycle.ProgramId, funded, awarded));
            return placements.Count;
        }, ct);

    public async Task<IReadOnlyList<AwardRow>> ListAwardsAsync(Guid cycleId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<AwardRow>(
            $"SELECT {AwardColumns} FROM awards WHERE cycle_id = @cycleId ORDER BY amount_minor DESC, tier, rank", new { cycleId })).AsList();
    }

    public async Task<IReadOnlyList<RankingRow>> ListRankingsAsync(Guid cycleId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<RankingRow>(
            "SELECT idea_id, tier, votes, rank, awarded, outcome FROM rankings WHERE cycle_id = @cycleId ORDER BY tier, rank", new { cycleId })).AsList();
    }

    public static IReadOnlyList<TierTerms> TiersOf(CycleRow cycle) => JsonSerializer.Deserialize<List<TierTerms>>(cycle.Tiers)!;
}
