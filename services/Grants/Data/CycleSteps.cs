using ConductorMesh.Contracts;
using ConductorMesh.Grants.Domain;
using ConductorMesh.Grants.Grpc;
using ConductorMesh.ServiceDefaults.Grpc;
using ConductorMesh.ServiceDefaults.Messaging;
using Dapper;
using Npgsql;

namespace ConductorMesh.Grants.Data;

/// <summary>
/// Moves cycles through their phases, for the scheduler and for operators alike. Each step
/// locks the cycle's row, records when it happened only if it has not happened yet, and
/// enqueues its event in the same transaction: a step is made once, however many callers race.
/// </summary>
public sealed class CycleSteps(NpgsqlDataSource dataSource, GrantsStore store, VotingCounts counts)
{
    public async Task<CycleRow> TakeAsync(Guid cycleId, CycleStep step, CancellationToken ct)
    {
        switch (step)
        {
            case CycleStep.CloseSubmissions:
                return await InCycleAsync(cycleId, async (tx, cycle) =>
                {
                    Refuse(cycle.ClosedAt is not null, $"Cycle {cycleId} is closed.");
                    return await CloseSubmissionsAsync(tx, cycle);
                }, ct);
            case CycleStep.OpenVoting:
                return await InCycleAsync(cycleId, async (tx, cycle) =>
                {
                    Refuse(cycle.VotingClosedAt is not null || cycle.ClosedAt is not null, $"Cycle {cycleId}'s vote has closed; it cannot open again.");
                    return await StampAsync(tx, cycle, "voting_opened_at", cycle.VotingOpenedAt, new VotingOpened(cycle.Id, cycle.ProgramId, cycle.ClosesAt));
                }, ct);
            case CycleStep.CloseVoting:
                var current = await store.GetCycleAsync(cycleId, ct);
                Refuse(current.VotingOpenedAt is null && current.ClosedAt is null, $"Cycle {cycleId}'s vote has not opened (it opens at {current.VotingOpensAt:u}).");
                if (current.VotingClosedAt is not null || current.ClosedAt is not null)
                {
                    return current;
                }
                var closed = await counts.FinalAsync(cycleId, ct); // Voting takes no votes for the cycle from here
                return await InCycleAsync(cycleId, (tx, cycle) => CloseVotingAsync(tx, cycle, closed.ClosedAt), ct);
            case CycleStep.Close:
                await CloseAsync(cycleId, ct);
                return await store.GetCycleAsync(cycleId, ct);
            default:
                throw new ArgumentOutOfRangeException(nameof(step), step, null);
        }
    }

    /// <summary>
    /// Closes what is still open, awards the winners from Voting's final tallies by the cycle's
    /// selection method, and closes the cycle, in one transaction. Of two concurrent closes one
    /// awards and the other finds the cycle closed.
    /// </summary>
    public async Task CloseAsync(Guid cycleId, CancellationToken ct)
    {
        if ((await store.GetCycleAsync(cycleId, ct)).ClosedAt is not null)
        {
            return;
        }
        var final = await counts.FinalAsync(cycleId, ct);
        await InCycleAsync(cycleId, async (tx, cycle) =>
        {
            if (cycle.ClosedAt is not null)
            {
                return cycle;
            }
            if (cycle.VotingOpenedAt is not null)
            {
                cycle = await CloseVotingAsync(tx, cycle, final.ClosedAt);
            }
            cycle = await CloseSubmissionsAsync(tx, cycle);
            await AwardAsync(tx, cycle, final.Tallies);
            await tx.Connection!.ExecuteAsync(
                """
                INSERT INTO cycle_seals (cycle_id, root, leaf_count, counted_votes, removed_votes, sealed_at, algorithm)
                VALUES (@cycleId, @Root, @LeafCount, @CountedVotes, @RemovedVotes, @sealedAt, @Algorithm)
                """, new { cycleId, final.Seal.Root, final.Seal.LeafCount, final.Seal.CountedVotes, final.Seal.RemovedVotes, sealedAt = final.Seal.SealedAt.ToDateTime(), final.Seal.Algorithm }, tx);
            return cycle;
        }, ct);
    }

    private async Task<CycleRow> InCycleAsync(Guid cycleId, Func<NpgsqlTransaction, CycleRow, Task<CycleRow>> work, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var result = await work(tx, await GrantsStore.LockCycleAsync(tx, cycleId));
        await tx.CommitAsync(ct);
        return result;
    }

    private static Task<CycleRow> CloseSubmissionsAsync(NpgsqlTransaction tx, CycleRow cycle, DateTime? at = null) =>
        StampAsync(tx, cycle, "submissions_closed_at", cycle.SubmissionsClosedAt, new SubmissionsClosed(cycle.Id, cycle.ProgramId), at);

    /// <summary>
    /// Submissions never outlive the vote: closing the vote closes them too. The vote closed when
    /// Voting says it did (at the deadline, when the close came late), so no counted vote is
    /// later than the recorded close.
    /// </summary>
    private static async Task<CycleRow> CloseVotingAsync(NpgsqlTransaction tx, CycleRow cycle, DateTime closedAt)
    {
        // A vote that opened only after its deadline (Grants was down through both) took no vote: it closes now.
        DateTime? at = cycle.VotingOpenedAt is { } opened && opened > closedAt ? null : closedAt;
        return await StampAsync(tx, await CloseSubmissionsAsync(tx, cycle, at), "voting_closed_at", cycle.VotingClosedAt,
            new VotingClosed(cycle.Id, cycle.ProgramId), at);
    }

    /// <summary>
    /// Records that a step happened (now, unless <paramref name="at"/> says when) and enqueues its
    /// event, occurring at the same time, unless the step happened already.
    /// </summary>
    private static async Task<CycleRow> StampAsync(
        NpgsqlTransaction tx, CycleRow cycle, string column, DateTime? happenedAt, IntegrationEvent happened, DateTime? at = null)
    {
        if (happenedAt is not null)
        {
            return cycle;
        }
        var updated = await tx.Connection!.QuerySingleAsync<CycleRow>(
            $"UPDATE cycles SET {column} = COALESCE(@at::timestamptz, now()) WHERE id = @Id RETURNING {GrantsStore.CycleColumns}", new { cycle.Id, at }, tx);
        await tx.EnqueueAsync(at is { } when ? happened with { OccurredAt = when } : happened);
        return updated;
    }

    private static async Task AwardAsync(NpgsqlTransaction tx, CycleRow cycle, IReadOnlyList<Tally> tallies)
    {
        var connection = tx.Connection!;
        var program = await connection.QuerySingleAsync<ProgramRow>(
            $"SELECT {GrantsStore.ProgramColumns} FROM programs WHERE id = @ProgramId FOR UPDATE", new { cycle.ProgramId }, tx);
        var placements = cycle.Selection == WinnerSelection.GreedyBudgetMethod
            ? WinnerSelection.GreedyBudget(cycle.TierTerms, tallies, cycle.PotMinor, program.RemainingMinor)
            : WinnerSelection.TopPerTier(cycle.TierTerms, tallies, program.RemainingMinor);
        await connection.ExecuteAsync(
            """
            INSERT INTO rankings (cycle_id, idea_id, tier, votes, rank, awarded, outcome, position)
            SELECT @Id, * FROM unnest(@ideas, @tiers, @votes, @ranks, @awarded, @outcomes, @positions)
            """,
            new
            {
                cycle.Id,
                ideas = placements.Select(p => p.IdeaId).ToArray(),
                tiers = placements.Select(p => p.Tier).ToArray(),
                votes = placements.Select(p => p.Votes).ToArray(),
                ranks = placements.Select(p => p.Rank).ToArray(),
                awarded = placements.Select(p => p.Awarded).ToArray(),
                outcomes = placements.Select(p => p.Outcome).ToArray(),
                positions = Enumerable.Range(1, placements.Count).ToArray(),
            }, tx);
        var total = 0L;
        // Ids in the order the awards are made (ids made in the same millisecond are not), so listings keep it.
        var ids = new Queue<Guid>(placements.Where(p => p.Awarded).Select(_ => Guid.CreateVersion7()).Order());
        foreach (var p in placements.Where(p => p.Awarded))
        {
            var awardId = ids.Dequeue();
            await connection.ExecuteAsync(
                "INSERT INTO awards (id, program_id, cycle_id, idea_id, tier, amount_minor, rank, votes) VALUES (@awardId, @ProgramId, @Id, @IdeaId, @Tier, @AmountMinor, @Rank, @Votes)",
                new { awardId, cycle.ProgramId, cycle.Id, p.IdeaId, p.Tier, p.AmountMinor, p.Rank, p.Votes }, tx);
            await tx.EnqueueAsync(new GrantAwarded(awardId, cycle.ProgramId, cycle.Id, p.IdeaId, p.Tier, p.AmountMinor, program.Currency, p.Rank, p.Votes));
            total += p.AmountMinor;
        }
        await connection.ExecuteAsync("UPDATE programs SET awarded_minor = awarded_minor + @total WHERE id = @ProgramId", new { total, cycle.ProgramId }, tx);
        await connection.ExecuteAsync("UPDATE cycles SET phase = 'closed', closed_at = now() WHERE id = @Id", new { cycle.Id }, tx);
        await tx.EnqueueAsync(new CycleClosed(cycle.Id, cycle.ProgramId, placements.Where(p => p.Awarded).Select(p => p.IdeaId).ToList(), total));
        if (program.RunMonthly)
        {
            await GrantsStore.OpenInAsync(tx, cycle.ProgramId, cycle.NextMonth(DateTime.UtcNow));
        }
    }

    private static void Refuse(bool refused, string why)
    {
        if (refused)
        {
            throw Check.Precondition(why);
        }
    }
}
