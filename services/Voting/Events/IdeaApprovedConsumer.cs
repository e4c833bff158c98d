using ConductorMesh.Contracts;
using ConductorMesh.ServiceDefaults.Messaging;
using ConductorMesh.Voting.Data;
using Npgsql;

namespace ConductorMesh.Voting.Events;

/// <summary>An approved idea joins the vote of its cycle.</summary>
public sealed class IdeaApprovedConsumer(NpgsqlDataSource dataSource) : IdempotentConsumer<IdeaApproved>(dataSource)
{
    protected override Task HandleAsync(IdeaApproved message, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        BallotStore.AddAsync(transaction.Connection!, transaction, new BallotIdea(message.IdeaId, message.CycleId, message.Tier, message.Category));
}
