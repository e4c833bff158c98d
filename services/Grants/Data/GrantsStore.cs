using System.Text.Json;
using ConductorMesh.Contracts;
using ConductorMesh.ServiceDefaults.Data;
using ConductorMesh.ServiceDefaults.Grpc;
using ConductorMesh.ServiceDefaults.Messaging;
using Dapper;
using Npgsql;

namespace ConductorMesh.Grants.Data;

/// <summary>Programs and cycles in the Grants database; every change enqueues its events.</summary>
public sealed class GrantsStore(NpgsqlDataSource dataSource)
{
    public const string ProgramColumns =
        """
        id, name, currency, budget_minor, awarded_minor, disbursed_minor, forfeited_minor, created_at, time_zone, daily_vote_allowance, hide_standings,
        default_tiers::text AS default_tiers, default_categories, run_monthly,
        (SELECT c.id FROM cycles c WHERE c.program_id = programs.id AND c.phase = 'open') AS open_cycle_id
        """;

    public const string CycleColumns =
        """
        id, program_id, name, phase, tiers::text AS tiers, submission_cap, opened_at, closed_at, closes_at, submissions_close_at, voting_opens_at,
        submissions_closed_at, voting_opened_at, voting_closed_at, selection, categories, pot_minor,
        (SELECT p.run_monthly FROM programs p WHERE p.id = cycles.program_id) AS program_runs_monthly
        """;

    public Task<ProgramRow> CreateProgramAsync(NewProgram p, CancellationToken ct) =>
        dataSource.InTransactionAsync(async (connection, tx) =>
        {
            var program = await connection.QuerySingleAsync<ProgramRow>(
                $"""
                INSERT INTO programs (id, name, currency, budget_minor, time_zone, daily_vote_allowance, hide_standings, default_tiers, default_categories, run_monthly)
                VALUES (@Id, @Name, @Currency, @BudgetMinor, @TimeZone, @DailyVoteAllowance, @HideStandings, @Tiers::jsonb, @Categories, @RunMonthly)
                RETURNING {ProgramColumns}
                """,
                new
                {
                    Id = Guid.CreateVersion7(), p.Name, p.Currency, p.BudgetMinor, p.TimeZone, p.DailyVoteAllowance, p.HideStandings, p.RunMonthly,
                    Tiers = p.DefaultTiers is null ? null : JsonSerializer.Serialize(p.DefaultTiers), Categories = p.DefaultCategories.ToArray(),
                }, tx);
            await tx.EnqueueAsync(new ProgramCreated(program.Id, p.Name, p.Currency, p.BudgetMinor, p.TimeZone, p.DailyVoteAllowance, p.HideStandings));
            return program;
        }, ct);

    public Task<ProgramRow> GetProgramAsync(Guid id, CancellationToken ct) =>
        dataSource.SingleOrNotFoundAsync<ProgramRow>($"SELECT {ProgramColumns} FROM programs WHERE id = @id", new { id }, $"No program has id {id}.", ct);

    /// <summary>Opens a cycle, and its vote at once when the vote's window has begun.</summary>
    public Task<CycleRow> OpenCycleAsync(Guid programId, CycleTerms terms, CancellationToken ct) =>
        dataSource.InTransactionAsync((_, tx) => OpenInAsync(tx, programId, terms), ct);

    /// <summary>
    /// Opens a cycle in the caller's transaction, with its events (CycleOpened, and VotingOpened
    /// when the vote opens at once): by the API, or by a closing cycle of a monthly program.
    /// </summary>
    public static async Task<CycleRow> OpenInAsync(NpgsqlTransaction tx, Guid programId, CycleTerms terms)
    {
        var connection = tx.Connection!;
        var open = await connection.QuerySingleOrDefaultAsync<Guid?>(
            "SELECT c.id FROM programs p LEFT JOIN cycles c ON c.program_id = p.id AND c.phase = 'open' WHERE p.id = @programId FOR UPDATE OF p",
            new { programId }, tx);
        if (open is { } openId)
        {
            throw Check.Precondition($"Program {programId} already has an open cycle ({openId}); close it before opening another.");
        }
        var cycle = await connection.QuerySingleOrDefaultAsync<CycleRow>(
            $"""
            INSERT INTO cycles (id, program_id, name, phase, tiers, submission_cap, closes_at, submissions_close_at, voting_opens_at, voting_opened_at,
                                selection, categories, pot_minor)
            SELECT @Id, id, @Name, 'open', @Tiers::jsonb, @SubmissionCap, @ClosesAt, @SubmissionsCloseAt, @VotingOpensAt,
                   CASE WHEN @VotingOpensAt <= clock_timestamp() THEN clock_timestamp() END, @Selection, @Categories, @PotMinor
            FROM programs WHERE id = @programId
            RETURNING {CycleColumns}
            """, Parameters(terms, new { Id = Guid.CreateVersion7(), programId }), tx)
            ?? throw Check.NotFound($"No program has id {programId}.");
        await tx.EnqueueAsync(new CycleOpened(cycle.Id, programId, terms.Name, terms.Tiers, terms.SubmissionCap));
        if (cycle.VotingOpenedAt is not null)
        {
            await tx.EnqueueAsync(new VotingOpened(cycle.Id, programId, cycle.ClosesAt));
        }
        return cycle;
    }

    /// <summary>Programs, newest first.</summary>
    public async Task<IReadOnlyList<ProgramRow>> ListProgramsAsync((DateTime At, Guid Id)? after, int limit, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<ProgramRow>(
            $"""
            SELECT {ProgramColumns} FROM programs WHERE (@afterAt::timestamptz IS NULL OR (created_at, id) < (@afterAt, @afterId))
            ORDER BY created_at DESC, id DESC LIMIT @limit
            """, new { afterAt = after?.At, afterId = after?.Id, limit })).AsList();
    }

    /// <summary>A program's cycles, newest first.</summary>
    public async Task<IReadOnlyList<CycleRow>> ListCyclesAsync(Guid programId, (DateTime At, Guid Id)? after, int limit, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<CycleRow>(
            $"""
            SELECT {CycleColumns} FROM cycles WHERE program_id = @programId
              AND (@afterAt::timestamptz IS NULL OR (opened_at, id) < (@afterAt, @afterId))
            ORDER BY opened_at DESC, id DESC LIMIT @limit
            """, new { programId, afterAt = after?.At, afterId = after?.Id, limit })).AsList();
    }

    /// <summary>Applies a new configuration while the cycle's vote has not opened.</summary>
    public Task<CycleRow> UpdateCycleAsync(Guid cycleId, Func<CycleRow, CycleTerms> change, CancellationToken ct) =>
        dataSource.InTransactionAsync(async (connection, tx) =>
        {
            var cycle = await LockCycleAsync(tx, cycleId);
            if (cycle.VotingOpenedAt is not null || cycle.ClosedAt is not null)
            {
                throw Check.Precondition($"Cycle {cycleId}'s vote opened at {cycle.VotingOpenedAt ?? cycle.ClosedAt:u}; its configuration can no longer change.");
            }
            var terms = change(cycle);
            return await connection.QuerySingleAsync<CycleRow>(
                $"""
                UPDATE cycles SET name = @Name, tiers = @Tiers::jsonb, submission_cap = @SubmissionCap, closes_at = @ClosesAt,
                    submissions_close_at = @SubmissionsCloseAt, voting_opens_at = @VotingOpensAt, selection = @Selection, categories = @Categories, pot_minor = @PotMinor
                WHERE id = @cycleId RETURNING {CycleColumns}
                """, Parameters(terms, new { cycleId }), tx);
        }, ct);

    public Task<CycleRow> GetCycleAsync(Guid id, CancellationToken ct) =>
        dataSource.SingleOrNotFoundAsync<CycleRow>($"SELECT {CycleColumns} FROM cycles WHERE id = @id", new { id }, $"No cycle has id {id}.", ct);

    /// <summary>The cycle's row, locked for the caller's transaction: steps on one cycle happen one at a time.</summary>
    public static async Task<CycleRow> LockCycleAsync(NpgsqlTransaction tx, Guid cycleId) =>
        await tx.Connection!.QuerySingleOrDefaultAsync<CycleRow>($"SELECT {CycleColumns} FROM cycles WHERE id = @cycleId FOR UPDATE", new { cycleId }, tx)
        ?? throw Check.NotFound($"No cycle has id {cycleId}.");

    private static DynamicParameters Parameters(CycleTerms t, object keys)
    {
        var parameters = new DynamicParameters(keys);
        parameters.AddDynamicParams(new
        {
            t.Name, Tiers = JsonSerializer.Serialize(t.Tiers), t.SubmissionCap, t.ClosesAt, t.SubmissionsCloseAt, t.VotingOpensAt, t.Selection,
            Categories = t.Categories.ToArray(), t.PotMinor,
        });
        return parameters;
    }
}
