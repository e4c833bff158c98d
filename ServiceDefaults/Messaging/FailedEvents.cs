using System.Globalization;
using System.Text;
using System.Text.Json;
using RabbitMQ.Client;

namespace ConductorMesh.ServiceDefaults.Messaging;

/// <summary>
/// Events that failed after every redelivery wait in their consumer's <c>_error</c> queue, with
/// MassTransit's fault headers. Operators read them here and, once the cause is fixed, replay them
/// into the consumer's queue. Consumers are idempotent, so a replay never applies an event twice.
/// </summary>
public sealed class FailedEvents(BrokerConnection broker)
{
    public const string Suffix = "_error";

    public sealed record Failed(string EventType, string? EventId, string Reason, string? FailedAt, int Redeliveries);

    /// <summary>The first <paramref name="limit"/> events of an error queue, left where they are.</summary>
    public async Task<IReadOnlyList<Failed>> PeekAsync(string errorQueue, int limit, CancellationToken ct)
    {
        var seen = new List<Failed>();
        // Closing the channel hands the unacknowledged messages back to the queue, in their places.
        await using var channel = await broker.OpenChannelAsync(ct);
        while (seen.Count < limit && await channel.BasicGetAsync(errorQueue, autoAck: false, ct) is { } message)
        {
            var (type, id) = Envelope(message.Body);
            seen.Add(new Failed(type, id,
                $"{Text(message.BasicProperties, "MT-Fault-ExceptionType")}: {Text(message.BasicProperties, "MT-Fault-Message")}",
                Text(message.BasicProperties, "MT-Fault-Timestamp"), Redelivery.CountOf(message.BasicProperties)));
        }
        return seen;
    }

    /// <summary>
    /// Moves the events waiting in <paramref name="errorQueue"/> back to their consumer's queue and
    /// returns how many. Each is published, confirmed, and only then taken off the error queue. The
    /// fault headers go; the redelivery count stays, so an event that still fails comes straight
    /// back here after its quick retries instead of waiting out every delay again.
    /// </summary>
    public async Task<int> ReplayAsync(string errorQueue, CancellationToken ct)
    {
        if (!errorQueue.EndsWith(Suffix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"{errorQueue} is not an error queue (its name ends in {Suffix})");
        }
        var queue = errorQueue[..^Suffix.Length];
        await using var channel = await broker.OpenChannelAsync(ct);
        // Only what is there now: an event that fails again while this runs is not taken round again.
        var waiting = (await channel.QueueDeclarePassiveAsync(errorQueue, ct)).MessageCount;
        var moved = 0;
        while (moved < waiting && await channel.BasicGetAsync(errorQueue, autoAck: false, ct) is { } message)
        {
            var replayed = new BasicProperties(message.BasicProperties)
            {
                Headers = (message.BasicProperties.Headers ?? new Dictionary<string, object?>())
                    .Where(h => !h.Key.StartsWith("MT-Fault-", StringComparison.Ordinal) && h.Key is not "MT-Reason" and not "x-death")
                    .ToDictionary(h => h.Key, h => h.Value),
            };
            await channel.BasicPublishAsync("", queue, mandatory: false, replayed, message.Body, ct);
            await channel.BasicAckAsync(message.DeliveryTag, multiple: false, ct);
            moved++;
        }
        return moved;
    }

    private static string? Text(IReadOnlyBasicProperties properties, string header) =>
        properties.Headers?.TryGetValue(header, out var value) == true
            ? value switch { byte[] bytes => Encoding.UTF8.GetString(bytes), null => null, _ => Convert.ToString(value, CultureInfo.InvariantCulture) }
            : null;

    /// <summary>The event's type and id from MassTransit's JSON envelope.</summary>
    private static (string Type, string? Id) Envelope(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var type = json.RootElement.TryGetProperty("messageType", out var types) && types.GetArrayLength() > 0
                ? types[0].GetString()!.Split(':')[^1] : "unknown";
            var id = json.RootElement.TryGetProperty("message", out var m) && m.TryGetProperty("eventId", out var e) ? e.GetString() : null;
            return (type, id);
        }
        catch (JsonException)
        {
            return ("unreadable", null);
        }
    }
}
