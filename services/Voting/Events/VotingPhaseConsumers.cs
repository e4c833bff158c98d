using ConductorMesh.Contracts;
using ConductorMesh.Voting.Data;
using Dapper;
using MassTransit;
using Npgsql;

namespace ConductorMesh.Voting.Events;

/// <summary>A cycle's vote opened: its approved ideas take votes until its deadline. Recording it twice changes nothing.</summary>
public sealed class VotingOpenedConsumer(BallotDirectory directory) : IConsumer<VotingOpened>
{
    public Task Consume(ConsumeContext<VotingOpened> context) =>
        directory.VotingOpenedAsync(context.Message.CycleId, context.Message.OccurredAt.UtcDateTime, context.Message.ClosesAt?.UtcDateTime, context.CancellationToken);
}

/// <summary>
/// A cycle's vote closed. Grants closes it here first (FinalizeCycle) and publishes this after,
/// with the close Voting recorded, so this is a second guard: the earliest close wins.
/// </summary>
public sealed class VotingClosedConsumer(NpgsqlDataSource dataSource) : IConsumer<VotingClosed>
{
    public async Task Consume(ConsumeContext<VotingClosed> context)
    {
        await using var connection = await dataSource.OpenConnectionAsync(context.CancellationToken);
        await connection.ExecuteAsync("UPDATE ballot_cycles SET closed_at = COALESCE(closed_at, @at) WHERE cycle_id = @CycleId",
            new { context.Message.CycleId, at = context.Message.OccurredAt.UtcDateTime });
    }
}
