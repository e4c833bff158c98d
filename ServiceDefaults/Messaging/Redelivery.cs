using System.Globalization;
using System.Text;
using Microsoft.Extensions.Configuration;
using RabbitMQ.Client;

namespace ConductorMesh.ServiceDefaults.Messaging;

/// <summary>
/// Later deliveries of an event that a consumer could not handle after its quick retries (a
/// database restarting for minutes, a service it asks being down). The broker has no scheduler
/// here, so each delay is a wait queue of its own: its messages expire after the delay and are
/// dead-lettered through the default exchange, by the routing key they were parked with, straight
/// back to the consumer's queue. Nothing is held in a service's memory, so a parked event
/// survives a crash of the service or the broker. After the last delay the event goes to the
/// consumer's <c>_error</c> queue, where operators see it and replay it (<see cref="FailedEvents"/>).
/// </summary>
public sealed class Redelivery(IReadOnlyList<TimeSpan> delays, bool quorum = false)
{
    /// <summary>How many times the event was parked so far (0 or absent on its first delivery).</summary>
    public const string CountHeader = "mesh-redeliveries";

    /// <summary>Why the event was last parked, for operators reading a wait queue.</summary>
    public const string ReasonHeader = "mesh-redelivery-reason";

    /// <summary>About 8 hours in all: outlives a long outage of a database or of a service it asks.</summary>
    private static readonly TimeSpan[] Default =
        [.. new[] { 30, 120, 600, 1800, 3600, 7200, 14400 }.Select(s => TimeSpan.FromSeconds(s))];

    public IReadOnlyList<TimeSpan> Delays { get; } = delays;

    /// <summary>Whether the wait queues, and the consumers' queues, are quorum queues.</summary>
    public bool Quorum { get; } = quorum;

    /// <summary>
    /// <c>Messaging:RedeliverySeconds</c>, a comma-separated list such as <c>30,120,600</c>, or the
    /// default; wait queues are quorum queues when <c>Messaging:QuorumQueues</c> is true.
    /// </summary>
    public static Redelivery From(IConfiguration configuration) =>
        new(configuration["Messaging:RedeliverySeconds"] is { Length: > 0 } list
            ? [.. list.Split(',').Select(s => TimeSpan.FromSeconds(int.Parse(s.Trim(), CultureInfo.InvariantCulture)))]
            : Default, QuorumQueues(configuration));

    /// <summary>
    /// Whether queues are quorum queues (<c>Messaging:QuorumQueues</c>): replicated over a cluster's
    /// nodes, so a node lost loses no event. A single local node gains nothing from them. A queue's
    /// type is fixed when it is made: set this before a broker's first start, not on a running one.
    /// </summary>
    public static bool QuorumQueues(IConfiguration configuration) => configuration.GetValue<bool>("Messaging:QuorumQueues");

    /// <summary>The wait queue (and its fanout exchange) of one delay; named by it, so another schedule never clashes with its arguments.</summary>
    public static string WaitQueue(TimeSpan delay) => $"mesh.redelivery.{(long)delay.TotalSeconds}s";

    public static int CountOf(IReadOnlyBasicProperties properties) =>
        properties.Headers?.TryGetValue(CountHeader, out var value) == true ? Convert.ToInt32(value, CultureInfo.InvariantCulture) : 0;

    /// <summary>
    /// Parks the delivery in the wait queue of its next delay and returns that delay, or null when
    /// every delay is spent and the event has failed for good. The broker confirms the park before
    /// this returns, so the original can be acknowledged.
    /// </summary>
    public async Task<TimeSpan?> ParkAsync(BrokerConnection broker, IReadOnlyBasicProperties properties, ReadOnlyMemory<byte> body,
        string queue, string reason, CancellationToken ct)
    {
        var count = CountOf(properties);
        if (count >= Delays.Count)
        {
            return null;
        }
        var delay = Delays[count];
        var wait = WaitQueue(delay);
        await using var channel = await broker.OpenChannelAsync(ct);
        await DeclareAsync(channel, wait, delay, Quorum, ct);
        var parked = new BasicProperties(properties) { Persistent = true };
        parked.Headers = new Dictionary<string, object?>(properties.Headers ?? new Dictionary<string, object?>())
        {
            [CountHeader] = count + 1,
            [ReasonHeader] = Encoding.UTF8.GetBytes(reason.Length > 500 ? reason[..500] : reason),
        };
        await channel.BasicPublishAsync(wait, queue, mandatory: false, parked, body, ct);
        return delay;
    }

    private static async Task DeclareAsync(IChannel channel, string wait, TimeSpan delay, bool quorum, CancellationToken ct)
    {
        await channel.ExchangeDeclareAsync(wait, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: ct);
        var arguments = new Dictionary<string, object?>
        {
            ["x-message-ttl"] = (long)delay.TotalMilliseconds,
            // The default exchange routes an expired message by its routing key: the consumer's queue.
            ["x-dead-letter-exchange"] = "",
        };
        if (quorum)
        {
            arguments["x-queue-type"] = "quorum";
        }
        await channel.QueueDeclareAsync(wait, durable: true, exclusive: false, autoDelete: false, arguments, cancellationToken: ct);
        await channel.QueueBindAsync(wait, wait, routingKey: "", cancellationToken: ct);
    }
}
