using ConductorMesh.Contracts;
using Dapper;
using MassTransit;
using Npgsql;

namespace ConductorMesh.ServiceDefaults.Messaging;

/// <summary>
/// A consumer that handles each event once, however often the bus delivers it: the event id is
/// recorded in the same transaction as the handler's changes (and the events it enqueues).
/// </summary>
public abstract class IdempotentConsumer<TEvent>(NpgsqlDataSource dataSource) : IConsumer<TEvent>
    where TEvent : IntegrationEvent
{
    public async Task Consume(ConsumeContext<TEvent> context)
    {
        var cancellationToken = context.CancellationToken;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var first = await connection.ExecuteAsync(
            "INSERT INTO processed_events (consumer, event_id) VALUES (@Consumer, @EventId) ON CONFLICT DO NOTHING",
            new { Consumer = GetType().Name, context.Message.EventId }, transaction);
        if (first == 0)
        {
            return;
        }
        try
        {
            await HandleAsync(context.Message, transaction, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            MessagingMetrics.ConsumerFailed(GetType().Name);
            throw;
        }
    }

    protected abstract Task HandleAsync(TEvent message, NpgsqlTransaction transaction, CancellationToken cancellationToken);
}
