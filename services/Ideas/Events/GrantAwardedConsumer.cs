using ConductorMesh.Contracts;
using ConductorMesh.Ideas.Data;
using ConductorMesh.Ideas.Domain;
using ConductorMesh.ServiceDefaults.Messaging;
using Npgsql;

namespace ConductorMesh.Ideas.Events;

/// <summary>An awarded idea becomes Funded.</summary>
public sealed class GrantAwardedConsumer(NpgsqlDataSource dataSource, ILogger<GrantAwardedConsumer> logger)
    : IdempotentConsumer<GrantAwarded>(dataSource)
{
    protected override async Task HandleAsync(GrantAwarded message, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var idea = await IdeasStore.LockAsync(transaction, message.IdeaId);
        if (!IdeaState.CanMove(idea.Status, IdeaState.Funded))
        {
            logger.LogWarning("Award {AwardId} names idea {IdeaId}, which is {Status}; its status stays", message.AwardId, idea.Id, idea.Status);
            return;
        }
        await IdeasStore.MoveAsync(transaction, idea, IdeaState.Funded, "grants", $"award {message.AwardId}",
            i => new IdeaFunded(i.Id, i.CycleId, message.AwardId, message.AmountMinor));
    }
}
