using ConductorMesh.Community.Data;
using ConductorMesh.Contracts;
using ConductorMesh.ServiceDefaults.Messaging;
using Npgsql;

namespace ConductorMesh.Community.Events;

/// <summary>Records an event as one activity, keyed by the event id, so a replay adds nothing.</summary>
public abstract class ActivityConsumer<TEvent>(NpgsqlDataSource dataSource) : IdempotentConsumer<TEvent>(dataSource)
    where TEvent : IntegrationEvent
{
    protected override async Task HandleAsync(TEvent message, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await BeforeAsync(message, transaction);
        var (ideaId, cycleId, kind, summary) = Describe(message);
        await FeedStore.AddActivityAsync(transaction, new ActivityRow(message.EventId, ideaId, cycleId, kind, summary, message.OccurredAt.UtcDateTime));
    }

    protected virtual Task BeforeAsync(TEvent message, NpgsqlTransaction transaction) => Task.CompletedTask;

    protected abstract (Guid IdeaId, Guid CycleId, string Kind, string Summary) Describe(TEvent message);
}
