using ConductorMesh.ServiceDefaults.Data;
using ConductorMesh.ServiceDefaults.Grpc;
using ConductorMesh.Voting.Domain;
using Dapper;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ConductorMesh.Voting.Data;

/// <summary>
/// The durable vote log. A vote is committed before it is acknowledged; the rules (open cycle,
/// one vote per idea per day, daily allowance) are enforced by the database inside that commit,
/// so they hold exactly however many votes arrive at once.
/// </summary>
public sealed class VoteStore(NpgsqlDataSource dataSource, IOptions<VotingRules> rules)
{
    public async Task<CastResult> CastAsync(NewVote vote, CancellationToken ct)
    {
        try
        {
            return await dataSource.InTransactionAsync((connection, tx) => CastAsync(connection, tx, vote), ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // A concurrent vote got there first; answer as if this one had arrived second.
            if (e.ConstraintName == "one_vote_per_key" && await FindByKeyAsync(vote, ct) is { } earlier)
            {
                return await ReplayAsync(earlier, vote.VoterId, ct);
            }
            throw AlreadyVoted(vote);
        }
    }

    private async Task<CastResult> CastAsync(NpgsqlConnection connection, NpgsqlTransaction tx, NewVote vote)
    {
        var now = DateTime.UtcNow;
        var day = VotingRules.Today(now);
        if (vote.IdempotencyKey is not null && await FindByKeyAsync(connection, tx, vote) is { } earlier)
        {
            return new CastResult(earlier, rules.Value.DailyAllowance - await UsedAsync(connection, tx, vote.VoterId, day), Replayed: true);
        }
        var closedAt = await connection.QuerySingleAsync<DateTime?>(
            "SELECT closed_at FROM ballot_cycles WHERE cycle_id = @CycleId FOR SHARE", new { vote.Idea.CycleId }, tx);
        if (closedAt is not null)
        {
            throw Check.Precondition($"Voting for cycle {vote.Idea.CycleId} closed at {closedAt:u}.");
        }
        // A second vote for the idea today fails on one_vote_per_idea_per_day below, which rolls
        // back this increment too; CastAsync answers it as ALREADY_EXISTS.
        var used = await connection.QuerySingleOrDefaultAsync<int?>(
            """
            INSERT INTO allowances AS a (voter_id, vote_day, used) VALUES (@VoterId, @day, 1)
            ON CONFLICT (voter_id, vote_day) DO UPDATE SET used = a.used + 1 WHERE a.used < @DailyAllowance
            RETURNING used
            """, new { vote.VoterId, day, rules.Value.DailyAllowance }, tx);
        if (used is null)
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted,
                $"Voter {vote.VoterId} has used all {rules.Value.DailyAllowance} votes for today; 0 left until {VotingRules.ResetsAt(now):u}."));
        }
        var row = await connection.QuerySingleAsync<VoteRow>(
            """
            INSERT INTO votes (id, idea_id, cycle_id, voter_id, vote_day, channel, idempotency_key)
            VALUES (@Id, @IdeaId, @CycleId, @VoterId, @day, @Channel, @IdempotencyKey)
            RETURNING id, idea_id, cast_at
            """, new { Id = Guid.CreateVersion7(), vote.Idea.IdeaId, vote.Idea.CycleId, vote.VoterId, day, vote.Channel, vote.IdempotencyKey }, tx);
        return new CastResult(row, rules.Value.DailyAllowance - used.Value, Replayed: false);
    }

    /// <summary>
    /// Closes the cycle's vote and counts it, in one transaction. Taking the cycle row for update
    /// waits for votes in flight, so every vote acknowledged before the close is counted and
    /// none after it is.
    /// </summary>
    public Task<(DateTime ClosedAt, IReadOnlyList<TallyRow> Tallies)> FinalizeAsync(Guid cycleId, CancellationToken ct) =>
        dataSource.InTransactionAsync(async (connection, tx) =>
        {
            var closedAt = await connection.QuerySingleAsync<DateTime>(
                """
                INSERT INTO ballot_cycles AS c (cycle_id, closed_at) VALUES (@cycleId, now())
                ON CONFLICT (cycle_id) DO UPDATE SET closed_at = COALESCE(c.closed_at, now())
                RETURNING closed_at
                """, new { cycleId }, tx);
            var tallies = await connection.QueryAsync<TallyRow>(
                """
                SELECT v.idea_id, b.tier, b.category, count(*) AS votes, max(v.cast_at) AS last_vote_at
                FROM votes v JOIN ballot_ideas b ON b.idea_id = v.idea_id
                WHERE v.cycle_id = @cycleId
                GROUP BY v.idea_id, b.tier, b.category
                ORDER BY votes DESC, last_vote_at, v.idea_id
                """, new { cycleId }, tx);
            return (closedAt, (IReadOnlyList<TallyRow>)tallies.AsList());
        }, ct);

    private async Task<CastResult> ReplayAsync(VoteRow earlier, string voterId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var used = await UsedAsync(connection, null, voterId, VotingRules.Today(DateTime.UtcNow));
        return new CastResult(earlier, rules.Value.DailyAllowance - used, Replayed: true);
    }

    private async Task<VoteRow?> FindByKeyAsync(NewVote vote, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await FindByKeyAsync(connection, null, vote);
    }

    private static Task<VoteRow?> FindByKeyAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, NewVote vote) =>
        connection.QuerySingleOrDefaultAsync<VoteRow>(
            "SELECT id, idea_id, cast_at FROM votes WHERE voter_id = @VoterId AND idempotency_key = @IdempotencyKey",
            new { vote.VoterId, vote.IdempotencyKey }, tx);

    private static Task<int> UsedAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string voterId, DateOnly day) =>
        connection.ExecuteScalarAsync<int>(
            "SELECT COALESCE((SELECT used FROM allowances WHERE voter_id = @voterId AND vote_day = @day), 0)", new { voterId, day }, tx);

    private static RpcException AlreadyVoted(NewVote vote) =>
        new(new Status(StatusCode.AlreadyExists,
            $"Voter {vote.VoterId} already voted for idea {vote.Idea.IdeaId} today; one vote per idea per day, again from {VotingRules.ResetsAt(DateTime.UtcNow):u}."));
}
