using ConductorMesh.Contracts;
using ConductorMesh.ServiceDefaults.Data;
using ConductorMesh.ServiceDefaults.Grpc;
using ConductorMesh.ServiceDefaults.Messaging;
using Dapper;
using Npgsql;

namespace ConductorMesh.Grants.Data;

/// <summary>Which awards to list.</summary>
public sealed record AwardFilter(Guid? ProgramId, Guid? CycleId, Guid? IdeaId, string? Status, (DateTime At, Guid Id)? After, int Limit);

/// <summary>
/// Awards after the close: paid (disbursed) or forfeited, each moving the program's ledger in
/// the same transaction as the award and its event.
/// </summary>
public sealed class AwardsStore(NpgsqlDataSource dataSource)
{
    public const string Awarded = "awarded";
    public const string Disbursed = "disbursed";
    public const string Forfeited = "forfeited";

    private const string AwardColumns =
        "id, program_id, cycle_id, idea_id, tier, amount_minor, rank, votes, awarded_at, status, payment_reference, forfeit_reason, settled_at";

    public Task<AwardRow> GetAsync(Guid id, CancellationToken ct) =>
        dataSource.SingleOrNotFoundAsync<AwardRow>($"SELECT {AwardColumns} FROM awards WHERE id = @id", new { id }, $"No award has id {id}.", ct);

    public async Task<IReadOnlyList<AwardRow>> ListAsync(AwardFilter f, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<AwardRow>(
            $"""
            SELECT {AwardColumns} FROM awards
            WHERE (@ProgramId::uuid IS NULL OR program_id = @ProgramId) AND (@CycleId::uuid IS NULL OR cycle_id = @CycleId)
              AND (@IdeaId::uuid IS NULL OR idea_id = @IdeaId) AND (@Status::text IS NULL OR status = @Status)
              AND (@AfterAt::timestamptz IS NULL OR (awarded_at, id) > (@AfterAt, @AfterId))
            ORDER BY awarded_at, id LIMIT @Limit
            """,
            new { f.ProgramId, f.CycleId, f.IdeaId, f.Status, AfterAt = f.After?.At, AfterId = f.After?.Id, f.Limit })).AsList();
    }

    public async Task<IReadOnlyList<RankingRow>> RankingsAsync(Guid cycleId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<RankingRow>(
            "SELECT idea_id, tier, votes, rank, awarded, outcome FROM rankings WHERE cycle_id = @cycleId ORDER BY position, tier, rank", new { cycleId })).AsList();
    }

    /// <summary>The seal of a closed cycle's votes, as Voting gave it at the close; null for a cycle not closed.</summary>
    public async Task<Voting.V1.CycleSeal?> SealAsync(Guid cycleId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var seal = await connection.QuerySingleOrDefaultAsync<(string Root, long LeafCount, long CountedVotes, long RemovedVotes, DateTime SealedAt, string Algorithm)?>(
            "SELECT root, leaf_count, counted_votes, removed_votes, sealed_at, algorithm FROM cycle_seals WHERE cycle_id = @cycleId", new { cycleId });
        return seal is { } s
            ? new Voting.V1.CycleSeal
            {
                Root = s.Root, LeafCount = s.LeafCount, CountedVotes = s.CountedVotes, RemovedVotes = s.RemovedVotes,
                SealedAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(DateTime.SpecifyKind(s.SealedAt, DateTimeKind.Utc)), Algorithm = s.Algorithm,
            }
            : null;
    }

    /// <summary>Records the payment; the same reference again changes nothing.</summary>
    public Task<AwardRow> DisburseAsync(Guid id, string reference, CancellationToken ct) =>
        SettleAsync(id, Disbursed, reference, (award, currency) =>
            new GrantDisbursed(award.Id, award.ProgramId, award.CycleId, award.IdeaId, award.AmountMinor, currency, reference), ct);

    /// <summary>Forfeits an unpaid award and gives its money back to the budget; the same reason again changes nothing.</summary>
    public Task<AwardRow> ForfeitAsync(Guid id, string reason, CancellationToken ct) =>
        SettleAsync(id, Forfeited, reason, (award, currency) =>
            new GrantForfeited(award.Id, award.ProgramId, award.CycleId, award.IdeaId, award.AmountMinor, currency, reason), ct);

    private Task<AwardRow> SettleAsync(Guid id, string status, string detail, Func<AwardRow, string, IntegrationEvent> happened, CancellationToken ct) =>
        dataSource.InTransactionAsync(async (connection, tx) =>
        {
            var award = await connection.QuerySingleOrDefaultAsync<AwardRow>($"SELECT {AwardColumns} FROM awards WHERE id = @id FOR UPDATE", new { id }, tx)
                ?? throw Check.NotFound($"No award has id {id}.");
            if (award.Status == status && (award.PaymentReference ?? award.ForfeitReason) == detail)
            {
                return award;
            }
            if (award.Status != Awarded)
            {
                var how = award.Status == Disbursed ? $"paid with reference '{award.PaymentReference}'" : $"forfeited ({award.ForfeitReason})";
                throw Check.Precondition($"Award {id} was {how} at {award.SettledAt:u}; it cannot be {status} now.");
            }
            var detailColumn = status == Disbursed ? "payment_reference" : "forfeit_reason";
            var settled = await connection.QuerySingleAsync<AwardRow>(
                $"UPDATE awards SET status = @status, {detailColumn} = @detail, settled_at = now() WHERE id = @id RETURNING {AwardColumns}",
                new { id, status, detail }, tx);
            var currency = await connection.QuerySingleAsync<string>(
                $"UPDATE programs SET {status}_minor = {status}_minor + @AmountMinor WHERE id = @ProgramId RETURNING currency",
                new { award.AmountMinor, award.ProgramId }, tx);
            await tx.EnqueueAsync(happened(settled, currency));
            return settled;
        }, ct);
}
