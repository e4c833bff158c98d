using ConductorMesh.Contracts;
using ConductorMesh.ServiceDefaults.Messaging;
using ConductorMesh.Voting.Data;
using Dapper;
using Npgsql;

namespace ConductorMesh.Voting.Events;

/// <summary>
/// A withdrawn idea takes no more votes and leaves the leaderboards (its cycle's boards are
/// rebuilt by the tally). Its votes stay in the log; the final tallies mark it withdrawn. Ideas
/// takes the idea off the ballot before it answers (VotingApi.WithdrawFromVote), so this is a second
/// guard; it never touches a cycle whose vote has closed, whose tally is final.
/// </summary>
public sealed class IdeaWithdrawnConsumer(NpgsqlDataSource dataSource) : IdempotentConsumer<IdeaWithdrawn>(dataSource)
{
    protected override async Task HandleAsync(IdeaWithdrawn message, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var onBallot = await transaction.Connection!.ExecuteAsync(
            """
            UPDATE ballot_ideas b SET withdrawn_at = @OccurredAt FROM ballot_cycles c
            WHERE b.idea_id = @IdeaId AND b.withdrawn_at IS NULL AND c.cycle_id = b.cycle_id AND c.closed_at IS NULL
            """,
            new { message.IdeaId, OccurredAt = message.OccurredAt.UtcDateTime }, transaction);
        if (onBallot > 0)
        {
            await TallyStore.RequestRebuildAsync(transaction, message.CycleId);
        }
    }
}
