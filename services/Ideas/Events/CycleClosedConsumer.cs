using ConductorMesh.Contracts;
using ConductorMesh.Ideas.Data;
using ConductorMesh.Ideas.Domain;
using ConductorMesh.ServiceDefaults.Messaging;
using Npgsql;

namespace ConductorMesh.Ideas.Events;

/// <summary>When a cycle closes, every idea still in its vote that did not win becomes NotFunded.</summary>
public sealed class CycleClosedConsumer(NpgsqlDataSource dataSource) : IdempotentConsumer<CycleClosed>(dataSource)
{
    protected override async Task HandleAsync(CycleClosed message, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        foreach (var idea in await IdeasStore.LockNotFundedAsync(transaction, message.CycleId, message.FundedIdeaIds.ToArray()))
        {
            await IdeasStore.MoveAsync(transaction, idea, IdeaState.NotFunded, "grants", $"cycle {message.CycleId} closed", i => new IdeaNotFunded(i.Id, i.CycleId));
        }
    }
}
