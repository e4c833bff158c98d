using ConductorMesh.Contracts;
using ConductorMesh.ServiceDefaults.Messaging;
using ConductorMesh.Voting.Data;
using Dapper;
using Npgsql;

namespace ConductorMesh.Voting.Events;

/// <summary>
/// A withdrawn idea takes no more votes and leaves the leaderboards (its cycle's boards are
/// rebuilt by the tally). Its votes stay in the log; the final tallies mark it withdrawn.
/// </summary>
public sealed class IdeaWithdrawnConsumer(NpgsqlDataSource dataSource) : IdempotentConsumer<IdeaWithdrawn>(dataSource)
{
    protected override async Task HandleAsync(IdeaWithdrawn message, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var onBallot = await transaction.Connection!.ExecuteAsync(
            "UPDATE ballot_ideas SET withdrawn_at = COALESCE(withdrawn_at, @OccurredAt) WHERE idea_id = @IdeaId",
            new { message.IdeaId, OccurredAt = message.OccurredAt.UtcDateTime }, transaction);
        if (onBallot > 0)
        {
            await TallyStore.RequestRebuildAsync(transaction, message.CycleId);
        }
    }
}
