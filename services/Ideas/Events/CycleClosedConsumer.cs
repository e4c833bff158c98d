using ConductorMesh.Contracts;
using ConductorMesh.Ideas.Data;
using ConductorMesh.Ideas.Domain;
using ConductorMesh.ServiceDefaults.Messaging;
using Dapper;
using Npgsql;

namespace ConductorMesh.Ideas.Events;

/// <summary>When a cycle closes, every idea still in its vote that did not win becomes NotFunded.</summary>
public sealed class CycleClosedConsumer(NpgsqlDataSource dataSource) : IdempotentConsumer<CycleClosed>(dataSource)
{
    protected override async Task HandleAsync(CycleClosed message, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var losers = await transaction.Connection!.QueryAsync<Guid>(
            "SELECT id FROM ideas WHERE cycle_id = @CycleId AND status = @Approved AND NOT (id = ANY(@Funded)) ORDER BY id",
            new { message.CycleId, IdeaState.Approved, Funded = message.FundedIdeaIds.ToArray() }, transaction);
        foreach (var id in losers)
        {
            await IdeasStore.MoveAsync(transaction, await IdeasStore.LockAsync(transaction, id), IdeaState.NotFunded, "grants",
                $"cycle {message.CycleId} closed", i => new IdeaNotFunded(i.Id, i.CycleId));
        }
    }
}
