using System.Text.Json;
using ConductorMesh.Contracts;
using Dapper;
using Npgsql;

namespace ConductorMesh.ServiceDefaults.Messaging;

/// <summary>
/// Writes events in the same transaction as the state change they report; the
/// <see cref="OutboxRelay"/> publishes them after commit. An event is never published for a
/// change that rolled back, and never lost for one that committed.
/// </summary>
public static class Outbox
{
    public const string Channel = "mesh_outbox";

    /// <summary>
    /// The outbox's state for operators, in one row: events waiting, the age in seconds of the
    /// oldest of them, and the rows set aside as unreadable.
    /// </summary>
    public const string BacklogSql =
        """
        SELECT count(*) FILTER (WHERE set_aside_at IS NULL),
               coalesce(extract(epoch FROM now() - min(created_at) FILTER (WHERE set_aside_at IS NULL))::float8, 0),
               count(*) FILTER (WHERE set_aside_at IS NOT NULL)
        FROM outbox WHERE sent_at IS NULL
        """;

    public static async Task EnqueueAsync(this NpgsqlTransaction transaction, IntegrationEvent @event)
    {
        // NOTIFY inside the transaction is delivered on commit, waking the relay at once.
        await transaction.Connection!.ExecuteAsync(
            $"INSERT INTO outbox (event_id, type, payload) VALUES (@EventId, @Type, @Payload::jsonb); NOTIFY {Channel};",
            new { @event.EventId, Type = @event.GetType().FullName, Payload = JsonSerializer.Serialize(@event, @event.GetType()) },
            transaction);
    }

    public static async Task EnqueueAsync(this NpgsqlTransaction transaction, IEnumerable<IntegrationEvent> events)
    {
        foreach (var @event in events)
        {
            await transaction.EnqueueAsync(@event);
        }
    }

    internal static Type ResolveType(string name) =>
        typeof(IntegrationEvent).Assembly.GetType(name, throwOnError: true)!;
}
