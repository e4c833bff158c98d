using ConductorMesh.Community.Data;
using ConductorMesh.Contracts;
using ConductorMesh.ServiceDefaults.Messaging;
using Npgsql;

namespace ConductorMesh.Community.Events;

/// <summary>Action (votes) and the voters among each idea's audience, from Voting's aggregates; a replay changes nothing.</summary>
public sealed class VotesTalliedConsumer(NpgsqlDataSource dataSource) : IdempotentConsumer<VotesTallied>(dataSource)
{
    protected override Task HandleAsync(VotesTallied message, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        ElementsStore.TalliedAsync(transaction, message.CycleId, message.Counts);
}
