using ConductorMesh.Contracts;
using ConductorMesh.ServiceDefaults.Grpc;
using ConductorMesh.Voting.Domain;
using ConductorMesh.Voting.V1;
using Dapper;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ConductorMesh.Voting.Data;

/// <summary>
/// The durable vote log. Votes are committed in batches, one transaction for many votes (group
/// commit), and each vote is acknowledged only after its batch commits. The rules are applied in
/// the order the votes arrived, inside the transaction, with every allowance row involved locked:
/// they hold exactly however many votes arrive at once, on any number of replicas.
/// </summary>
public sealed class VoteStore(NpgsqlDataSource dataSource, IOptions<VotingRules> options)
{
    private sealed record Earlier(string VoterId, string IdempotencyKey, Guid Id, Guid IdeaId, string Channel, DateTime CastAt, bool Held);

    private sealed record AllowanceKey(string VoterId, Guid ProgramId, DateOnly Day);

    public async Task<IReadOnlyList<VoteResult>> CommitAsync(IReadOnlyList<NewVote> batch, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(ct);
                await using var tx = await connection.BeginTransactionAsync(ct);
                var results = await CommitAsync(tx, batch);
                await tx.CommitAsync(ct);
                return results;
            }
            catch (PostgresException e) when (attempt < 5 && e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DeadlockDetected)
            {
                // A vote with the same key committed by another replica in between: the next attempt sees it.
            }
        }
    }

    private async Task<IReadOnlyList<VoteResult>> CommitAsync(NpgsqlTransaction tx, IReadOnlyList<NewVote> batch)
    {
        var rules = options.Value;
        var connection = tx.Connection!;
        var (now, ideas) = await BallotDirectory.LockIdeasAsync(tx, batch.Select(v => v.IdeaId).Distinct().ToArray());
        var zones = ideas.Values.Select(i => i.TimeZone).Distinct().ToDictionary(z => z, VotingDay.Zone);
        AllowanceKey? KeyOf(NewVote v) => ideas.TryGetValue(v.IdeaId, out var i) ? new(v.VoterId, i.ProgramId, VotingDay.Today(now, zones[i.TimeZone])) : null;

        // Lock the allowance of every voter-program-day in the batch, in one order everywhere, so
        // batches on other replicas wait rather than deadlock. Every vote takes this lock, so no
        // vote for these voters can commit in between. The upsert creates missing rows and locks
        // existing ones (its no-op update) in one round trip, in the order of the sorted keys.
        var keys = batch.Select(KeyOf).OfType<AllowanceKey>().Distinct()
            .OrderBy(k => k.VoterId, StringComparer.Ordinal).ThenBy(k => k.ProgramId).ThenBy(k => k.Day).ToList();
        var keyArgs = new { voters = keys.Select(k => k.VoterId).ToArray(), programs = keys.Select(k => k.ProgramId).ToArray(), days = keys.Select(k => k.Day).ToArray() };
        var used = (await connection.QueryAsync<(string VoterId, Guid ProgramId, DateOnly Day, int Used)>(
                """
                INSERT INTO allowances AS a (voter_id, program_id, vote_day, used) SELECT v, p, d, 0 FROM unnest(@voters, @programs, @days) AS k(v, p, d)
                ON CONFLICT (voter_id, program_id, vote_day) DO UPDATE SET used = a.used
                RETURNING voter_id, program_id, vote_day, used
                """, keyArgs, tx))
            .ToDictionary(a => new AllowanceKey(a.VoterId, a.ProgramId, a.Day), a => a.Used);
        // What the rules need to know of these voters' earlier votes, in one round trip: their
        // votes today for these ideas, the votes their idempotency keys already cast, and how many
        // votes each cast within the velocity window. The allowance locks above hold them still.
        var keyed = batch.Where(v => v.IdempotencyKey is not null).ToList();
        using var earlierVotes = await connection.QueryMultipleAsync(
            """
            SELECT voter_id, idea_id, vote_day FROM votes
            WHERE (voter_id, vote_day) IN (SELECT v, d FROM unnest(@voters, @days) AS k(v, d)) AND idea_id = ANY(@ideaIds);
            SELECT voter_id, idempotency_key, id, idea_id, channel, cast_at, review = 'held' AS held FROM votes
            WHERE (voter_id, idempotency_key) IN (SELECT * FROM unnest(@keyedVoters, @keys));
            SELECT voter_id, count(*)::int FROM votes WHERE @holds AND voter_id = ANY(@voters) AND cast_at > now() - @window GROUP BY voter_id;
            """,
            new
            {
                keyArgs.voters, keyArgs.days, ideaIds = ideas.Keys.ToArray(),
                keyedVoters = keyed.Select(v => v.VoterId).ToArray(), keys = keyed.Select(v => v.IdempotencyKey!).ToArray(),
                holds = rules.HoldAfter > 0, window = rules.HoldWindow,
            }, tx);
        var votedToday = (await earlierVotes.ReadAsync<(string VoterId, Guid IdeaId, DateOnly Day)>()).ToHashSet();
        var earlier = (await earlierVotes.ReadAsync<Earlier>()).ToDictionary(e => (e.VoterId, e.IdempotencyKey));
        var recent = (await earlierVotes.ReadAsync<(string VoterId, int Votes)>()).ToDictionary(r => r.VoterId, r => r.Votes);

        var results = new VoteResult?[batch.Count];
        var accepted = new List<(int Index, Guid Id, NewVote Vote, BallotIdea Idea, AllowanceKey Key, bool Held)>();
        for (var n = 0; n < batch.Count; n++)
        {
            var vote = batch[n];
            var key = KeyOf(vote);
            var idea = key is null ? null : ideas[vote.IdeaId];
            var resetsAt = idea is null ? default : VotingDay.ResetsAt(now, zones[idea.TimeZone]);
            int Left() => key is null || idea is null ? 0 : idea.DailyAllowance - used.GetValueOrDefault(key);

            if (vote.IdempotencyKey is { } k && earlier.TryGetValue((vote.VoterId, k), out var first))
            {
                // A key names one request: its retry is answered as the first was, anything else is refused.
                results[n] = first.IdeaId == vote.IdeaId && first.Channel == vote.Channel
                    ? new VoteResult(StatusCode.OK, "", first.Id, first.CastAt, Left(), resetsAt, first.Held)
                    : VoteResult.Refused(StatusCode.InvalidArgument,
                        $"idempotency_key: '{k}' was already used by voter {vote.VoterId} for a vote for idea {first.IdeaId} "
                        + $"({ProtoNames.Of(Enum.Parse<VoteChannel>(first.Channel))}); a retry repeats the same request, a new vote needs a new key.");
                continue;
            }
            if (idea is null || key is null)
            {
                results[n] = VoteResult.Refused(StatusCode.FailedPrecondition, $"Idea {vote.IdeaId} is not in the vote.");
            }
            else if (idea.WithdrawnAt is not null)
            {
                results[n] = VoteResult.Refused(StatusCode.FailedPrecondition, $"Idea {vote.IdeaId} was withdrawn by its author and takes no votes.");
            }
            else if (idea.ClosedBy(now, out var closedAt))
            {
                results[n] = VoteResult.Refused(StatusCode.FailedPrecondition, $"Voting for cycle {idea.CycleId} closed at {closedAt:u}.");
            }
            else if (idea.VotingOpenedAt is null)
            {
                results[n] = VoteResult.Refused(StatusCode.FailedPrecondition, $"Voting for cycle {idea.CycleId} has not opened yet.");
            }
            else if (votedToday.Contains((vote.VoterId, vote.IdeaId, key.Day)))
            {
                results[n] = VoteResult.Refused(StatusCode.AlreadyExists,
                    $"Voter {vote.VoterId} already voted for idea {vote.IdeaId} today; one vote per idea per day, again from {resetsAt:u}.", Left(), resetsAt);
            }
            else if (used[key] >= idea.DailyAllowance)
            {
                results[n] = VoteResult.Refused(StatusCode.ResourceExhausted,
                    $"Voter {vote.VoterId} has used all {idea.DailyAllowance} votes for today; 0 left until {resetsAt:u}.", 0, resetsAt);
            }
            else
            {
                used[key]++;
                votedToday.Add((vote.VoterId, vote.IdeaId, key.Day));
                var held = rules.Holds(recent.GetValueOrDefault(vote.VoterId));
                recent[vote.VoterId] = recent.GetValueOrDefault(vote.VoterId) + 1;
                var id = Guid.CreateVersion7();
                if (vote.IdempotencyKey is { } newKey)
                {
                    earlier[(vote.VoterId, newKey)] = new Earlier(vote.VoterId, newKey, id, vote.IdeaId, vote.Channel, now, held);
                }
                accepted.Add((n, id, vote, idea, key, held));
                results[n] = new VoteResult(StatusCode.OK, "", id, now, Left(), resetsAt, held);
            }
        }
        if (accepted.Count > 0)
        {
            await RecordAsync(tx, now, accepted.Select(a => (a.Id, a.Vote, a.Idea, a.Key.Day, a.Held)).ToList(),
                accepted.Select(a => a.Key).Distinct().Select(k => (k, used[k])).ToList());
        }
        return results!;
    }

    /// <summary>
    /// Inserts the accepted votes, cast at <paramref name="castAt"/> (the time they were judged by),
    /// queues those not held for the tally, stores the allowances used and wakes the tally leader:
    /// one round trip, as the statements go to PostgreSQL together.
    /// </summary>
    private static async Task RecordAsync(
        NpgsqlTransaction tx, DateTime castAt, IReadOnlyList<(Guid Id, NewVote Vote, BallotIdea Idea, DateOnly Day, bool Held)> votes,
        IReadOnlyList<(AllowanceKey Key, int Used)> allowances)
    {
        await tx.Connection!.ExecuteAsync(
            $"""
            WITH inserted AS (
                INSERT INTO votes (id, idea_id, cycle_id, program_id, voter_id, vote_day, channel, idempotency_key, review, cast_at)
                SELECT *, @castAt FROM unnest(@ids, @ideaIds, @cycleIds, @programIds, @voters, @days, @channels, @keys, @reviews)
                RETURNING idea_id, cycle_id, cast_at, voter_id, review)
            INSERT INTO untallied_votes (idea_id, cycle_id, cast_at, voter_id) SELECT idea_id, cycle_id, cast_at, voter_id FROM inserted WHERE review = 'none';
            UPDATE allowances a SET used = k.u FROM unnest(@allowanceVoters, @allowancePrograms, @allowanceDays, @allowanceUsed) AS k(v, p, d, u)
            WHERE a.voter_id = k.v AND a.program_id = k.p AND a.vote_day = k.d;
            {TallyStore.WakeSql}
            """,
            new
            {
                castAt,
                ids = votes.Select(v => v.Id).ToArray(),
                ideaIds = votes.Select(v => v.Vote.IdeaId).ToArray(),
                cycleIds = votes.Select(v => v.Idea.CycleId).ToArray(),
                programIds = votes.Select(v => v.Idea.ProgramId).ToArray(),
                voters = votes.Select(v => v.Vote.VoterId).ToArray(),
                days = votes.Select(v => v.Day).ToArray(),
                channels = votes.Select(v => v.Vote.Channel).ToArray(),
                keys = votes.Select(v => v.Vote.IdempotencyKey).ToArray(),
                reviews = votes.Select(v => v.Held ? VoteReviews.Held : VoteReviews.None).ToArray(),
                allowanceVoters = allowances.Select(c => c.Key.VoterId).ToArray(),
                allowancePrograms = allowances.Select(c => c.Key.ProgramId).ToArray(),
                allowanceDays = allowances.Select(c => c.Key.Day).ToArray(),
                allowanceUsed = allowances.Select(c => c.Used).ToArray(),
            }, tx);
    }

    /// <summary>Votes a voter has used today in a program.</summary>
    public async Task<int> UsedAsync(string voterId, Guid programId, DateOnly day, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<int>(
            "SELECT COALESCE((SELECT used FROM allowances WHERE voter_id = @voterId AND program_id = @programId AND vote_day = @day), 0)",
            new { voterId, programId, day });
    }

    /// <summary>
    /// Closes the cycle's vote and counts it, in one transaction, once: the final counts are
    /// stored in the standing order and answered unchanged from then on. Taking the cycle row for
    /// update waits for the votes in flight, so every vote acknowledged before the close is
    /// counted and none after it is. The close is recorded at the deadline, or now if that is
    /// earlier (an operator's early close), so no counted vote is later than the recorded close.
    /// </summary>
    public async Task<(DateTime ClosedAt, IReadOnlyList<TallyRow> Tallies, Seal Seal)> FinalizeAsync(Guid cycleId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        DateTime closedAt;
        List<TallyRow> final;
        using (var close = await connection.QueryMultipleAsync(
            // The row is locked first, so the clock that records the close is read after the wait.
            $"""
            SELECT 1 FROM ballot_cycles WHERE cycle_id = @cycleId FOR UPDATE;
            UPDATE ballot_cycles SET closed_at = COALESCE(closed_at, LEAST(closes_at, clock_timestamp())) WHERE cycle_id = @cycleId RETURNING closed_at;
            SELECT {FinalColumns} FROM final_tallies WHERE cycle_id = @cycleId ORDER BY position;
            """, new { cycleId }, tx))
        {
            await close.ReadAsync();
            closedAt = await close.ReadSingleAsync<DateTime>();
            final = (await close.ReadAsync<TallyRow>()).AsList();
        }
        // Sealed with the first close, or (a cycle closed before seals were made) with the first close after.
        var seal = await SealStore.ReadAsync(connection, tx, cycleId);
        if (seal is null)
        {
            (seal, var counted) = await SealStore.SealAsync(connection, tx, cycleId, ct);
            if (final.Count == 0)
            {
                // The final counts are the sealed leaves' own, so awards are made from what the root commits to.
                var ideas = await connection.QueryAsync<(Guid IdeaId, string Tier, string Category, bool Withdrawn)>(
                    "SELECT idea_id, tier, category, withdrawn_at IS NOT NULL FROM ballot_ideas WHERE idea_id = ANY(@ids)", new { ids = counted.Keys.ToArray() }, tx);
                final = StandingOrder.Ranked(
                    ideas.Select(i => new TallyRow(i.IdeaId, i.Tier, i.Category, counted[i.IdeaId].Votes, counted[i.IdeaId].LastVoteAt, i.Withdrawn)),
                    t => t.Votes, t => t.LastVoteAt, t => t.IdeaId).ToList();
                await InsertFinalAsync(connection, tx, cycleId, final);
            }
        }
        await tx.CommitAsync(ct);
        return (closedAt, final, seal);
    }

    private static Task InsertFinalAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid cycleId, List<TallyRow> final) =>
        connection.ExecuteAsync(
            """
            INSERT INTO final_tallies (cycle_id, idea_id, position, tier, category, votes, last_vote_at, withdrawn)
            SELECT @cycleId, * FROM unnest(@ideas, @positions, @tiers, @categories, @votes, @lasts, @withdrawn)
            """,
            new
            {
                cycleId,
                ideas = final.Select(t => t.IdeaId).ToArray(),
                positions = Enumerable.Range(1, final.Count).ToArray(),
                tiers = final.Select(t => t.Tier).ToArray(),
                categories = final.Select(t => t.Category).ToArray(),
                votes = final.Select(t => t.Votes).ToArray(),
                lasts = final.Select(t => t.LastVoteAt).ToArray(),
                withdrawn = final.Select(t => t.Withdrawn).ToArray(),
            }, tx);

    private const string FinalColumns = "idea_id, tier, category, votes, last_vote_at, withdrawn";

    /// <summary>
    /// Takes an idea out of the vote as its author withdraws it (asked by Ideas before it
    /// answers): votes after this are refused. Votes in flight hold the idea's row in share mode,
    /// so they commit first. Refused once the vote has closed, so a final tally never changes.
    /// Answers when the idea was withdrawn (the first time, for a repeated call).
    /// </summary>
    public async Task<DateTime> WithdrawAsync(Guid ideaId, Guid cycleId, string tier, string category, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        // Approved a moment ago, the idea may not be on the ballot yet: its IdeaApproved comes later and changes nothing.
        await BallotDirectory.InsertIdeaAsync(connection, tx, ideaId, cycleId, tier, category);
        var (now, ideas) = await BallotDirectory.LockIdeasAsync(tx, [ideaId], forUpdate: true);
        var idea = ideas[ideaId];
        if (idea.WithdrawnAt is { } withdrawnAt)
        {
            return withdrawnAt;
        }
        if (idea.ClosedBy(now, out var closedAt))
        {
            throw Check.Precondition($"The vote of cycle {idea.CycleId} closed at {closedAt:u}; idea {ideaId} can no longer be withdrawn.");
        }
        await connection.ExecuteAsync("UPDATE ballot_ideas SET withdrawn_at = @now WHERE idea_id = @ideaId", new { ideaId, now }, tx);
        await TallyStore.RequestRebuildAsync(tx, idea.CycleId);
        await tx.CommitAsync(ct);
        return now;
    }
}
