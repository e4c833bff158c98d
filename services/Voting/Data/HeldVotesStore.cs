using ConductorMesh.ServiceDefaults.Data;
using ConductorMesh.ServiceDefaults.Grpc;
using Dapper;
using Npgsql;

namespace ConductorMesh.Voting.Data;

/// <summary>Votes held by the velocity threshold, and operators' decisions on them.</summary>
public sealed class HeldVotesStore(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyList<HeldVoteRow>> ListAsync(Guid? cycleId, (DateTime At, Guid Id)? after, int limit, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<HeldVoteRow>(
            """
            SELECT id, voter_id, idea_id, cycle_id, channel, cast_at FROM votes
            WHERE review = 'held' AND (@cycleId::uuid IS NULL OR cycle_id = @cycleId)
              AND (@AfterAt::timestamptz IS NULL OR (cast_at, id) > (@AfterAt, @AfterId))
            ORDER BY cast_at, id LIMIT @limit
            """, new { cycleId, AfterAt = after?.At, AfterId = after?.Id ?? Guid.Empty, limit })).AsList();
    }

    /// <summary>
    /// Accepts or voids the held votes among <paramref name="ids"/>; answers the ids that had been
    /// reviewed before. Accepted votes join the tally's queue in the same transaction, so each is
    /// counted exactly once. Holding the cycles' rows in share mode, as casting does, keeps the
    /// close from counting between the check and the commit.
    /// </summary>
    public Task<IReadOnlyList<Guid>> ReviewAsync(Guid[] ids, bool accept, string reviewer, string reason, CancellationToken ct) =>
        dataSource.InTransactionAsync<IReadOnlyList<Guid>>(async (connection, tx) =>
        {
            var votes = (await connection.QueryAsync<(Guid Id, string Review, Guid CycleId, DateTime? ClosedAt)>(
                """
                SELECT v.id, v.review, v.cycle_id, c.closed_at FROM votes v JOIN ballot_cycles c ON c.cycle_id = v.cycle_id
                WHERE v.id = ANY(@ids) ORDER BY v.id FOR UPDATE OF v FOR SHARE OF c
                """, new { ids }, tx)).AsList();
            var missing = ids.Except(votes.Select(v => v.Id)).ToList();
            if (missing.Count > 0)
            {
                throw Check.NotFound($"No vote has id {missing[0]}.");
            }
            var late = votes.Where(v => v.Review == VoteReviews.Held && v.ClosedAt is not null).ToList();
            if (accept && late.Count > 0)
            {
                throw Check.Precondition($"Vote {late[0].Id} belongs to cycle {late[0].CycleId}, whose vote closed at {late[0].ClosedAt:u}; accepting it now would change the final count. Void it instead.");
            }
            var held = votes.Where(v => v.Review == VoteReviews.Held).Select(v => v.Id).ToArray();
            await connection.ExecuteAsync(
                """
                WITH reviewed AS (
                    UPDATE votes SET review = @review, reviewed_at = now(), reviewed_by = @reviewer, review_reason = @reason
                    WHERE id = ANY(@held) RETURNING idea_id, cycle_id, cast_at, voter_id)
                INSERT INTO untallied_votes (idea_id, cycle_id, cast_at, voter_id) SELECT idea_id, cycle_id, cast_at, voter_id FROM reviewed WHERE @accept
                """, new { held, review = accept ? VoteReviews.Accepted : VoteReviews.Voided, reviewer, reason, accept }, tx);
            return votes.Where(v => v.Review != VoteReviews.Held).Select(v => v.Id).ToList();
        }, ct);
}
