using ConductorMesh.Contracts;
using ConductorMesh.Ideas.Data;
using ConductorMesh.Ideas.Domain;
using ConductorMesh.ServiceDefaults.Messaging;
using Npgsql;

namespace ConductorMesh.Ideas.Events;

/// <summary>An awarded idea becomes Funded.</summary>
public sealed class GrantAwardedConsumer(NpgsqlDataSource dataSource) : IdempotentConsumer<GrantAwarded>(dataSource)
{
    protected override Task HandleAsync(GrantAwarded message, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        IdeasStore.TransitionAsync(transaction, message.IdeaId, IdeaState.Funded, "grants", $"award {message.AwardId}",
            i => new IdeaFunded(i.Id, i.CycleId, message.AwardId, message.AmountMinor));
}
