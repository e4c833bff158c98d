using ConductorMesh.Contracts;
using ConductorMesh.Ideas.Data;
using ConductorMesh.Ideas.Domain;
using ConductorMesh.ServiceDefaults.Messaging;
using Npgsql;

namespace ConductorMesh.Ideas.Events;

/// <summary>
/// When a program opens a cycle, the ideas queued behind its full cycle enter it in arrival order
/// while it has room; the rest stay queued. A queued idea asking for a tier the new cycle does not
/// offer is rejected, with that reason.
/// </summary>
public sealed class CycleOpenedConsumer(NpgsqlDataSource dataSource) : IdempotentConsumer<CycleOpened>(dataSource)
{
    protected override async Task HandleAsync(CycleOpened message, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        foreach (var idea in await IdeasStore.LockQueueAsync(transaction, message.ProgramId))
        {
            if (message.Tiers.All(t => t.Name != idea.Tier))
            {
                var reason = $"the program's next cycle {message.Name} offers no tier '{idea.Tier}'";
                await IdeasStore.MoveAsync(transaction, idea, IdeaState.Rejected, "ideas", reason, i => new IdeaRejected(i.Id, i.CycleId, "ideas", reason));
            }
            else if (!await IdeasStore.EnterFromQueueAsync(transaction, idea, message.CycleId, message.Name, message.SubmissionCap))
            {
                return;
            }
        }
    }
}
