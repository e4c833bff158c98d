using ConductorMesh.Community.Data;
using ConductorMesh.Contracts;
using ConductorMesh.ServiceDefaults.Messaging;
using Npgsql;

namespace ConductorMesh.Community.Events;

/// <summary>Action (votes) and the voters among each idea's audience, from Voting's aggregates; a replay changes nothing.</summary>
public sealed class VotesTalliedConsumer(NpgsqlDataSource dataSource) : IdempotentConsumer<VotesTallied>(dataSource)
{
    protected override async Task HandleAsync(VotesTallied message, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        // In one order everywhere, so windows consumed side by side wait for each other rather than deadlock.
        foreach (var count in message.Counts.OrderBy(c => c.IdeaId))
        {
            await ElementsStore.TalliedAsync(transaction, count.IdeaId, message.CycleId, count.TotalVotes, count.Voters ?? []);
        }
    }
}
