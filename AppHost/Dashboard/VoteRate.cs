using System.Collections.Concurrent;
using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace ConductorMesh.AppHost.Dashboard;

/// <summary>
/// Votes per second, from Voting's VotesTallied aggregates on the bus: a private, self-deleting
/// queue bound to the event's exchange, as any other consumer of the bus would be.
/// </summary>
public sealed class VoteRate : IAsyncDisposable
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(5);
    private readonly ConcurrentQueue<(DateTime At, int Votes)> tallies = new();
    private IConnection? connection;
    private IChannel? channel;

    public async Task StartAsync(string amqp, CancellationToken ct)
    {
        connection = await new ConnectionFactory { Uri = new Uri(amqp) }.CreateConnectionAsync(ct);
        channel = await connection.CreateChannelAsync(cancellationToken: ct);
        // MassTransit publishes each event type to a fanout exchange named after it.
        const string exchange = "ConductorMesh.Contracts:VotesTallied";
        await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, cancellationToken: ct);
        var queue = await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true, cancellationToken: ct);
        await channel.QueueBindAsync(queue.QueueName, exchange, "", cancellationToken: ct);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            using var envelope = JsonDocument.Parse(delivery.Body);
            var votes = envelope.RootElement.GetProperty("message").GetProperty("counts").EnumerateArray().Sum(c => c.GetProperty("newVotes").GetInt32());
            tallies.Enqueue((DateTime.UtcNow, votes));
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue.QueueName, autoAck: true, consumer, ct);
    }

    public double PerSecond
    {
        get
        {
            var since = DateTime.UtcNow - Window;
            while (tallies.TryPeek(out var oldest) && oldest.At < since)
            {
                tallies.TryDequeue(out _);
            }
            return tallies.Sum(t => t.Votes) / Window.TotalSeconds;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (channel is not null)
        {
            await channel.DisposeAsync();
        }
        if (connection is not null)
        {
            await connection.DisposeAsync();
        }
    }
}
