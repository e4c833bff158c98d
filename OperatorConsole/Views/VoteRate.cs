using System.Collections.Concurrent;
using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace ConductorMesh.OperatorConsole.Views;

/// <summary>
/// Votes counted, from Voting's VotesTallied aggregates on the bus: a private, self-deleting queue
/// bound to the event's exchange, as any other consumer of the bus would be. Keeps the last hour
/// minute by minute, for the chart, and the last few seconds for the rate.
/// </summary>
public sealed class VoteRate(IConfiguration configuration, ILogger<VoteRate> logger) : BackgroundService
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(5);
    private const int Minutes = 60;
    private readonly ConcurrentQueue<(DateTime At, int Votes)> recent = new();
    private readonly ConcurrentDictionary<DateTime, int> perMinute = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var amqp = configuration.GetConnectionString("messaging")
            ?? throw new InvalidOperationException("ConnectionStrings:messaging is not set; the AppHost sets it.");
        // The broker may restart under us: listen again after a pause, for as long as the console runs.
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(amqp, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("Vote counts from the bus paused: {Problem}", e.Message);
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
            }
        }
    }

    private async Task ListenAsync(string amqp, CancellationToken ct)
    {
        await using var connection = await new ConnectionFactory { Uri = new Uri(amqp) }.CreateConnectionAsync(ct);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
        // MassTransit publishes each event type to a fanout exchange named after it.
        const string exchange = "ConductorMesh.Contracts:VotesTallied";
        await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, cancellationToken: ct);
        var queue = await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true, cancellationToken: ct);
        await channel.QueueBindAsync(queue.QueueName, exchange, "", cancellationToken: ct);
        var closed = new TaskCompletionSource();
        connection.ConnectionShutdownAsync += (_, _) => { closed.TrySetResult(); return Task.CompletedTask; };
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            using var envelope = JsonDocument.Parse(delivery.Body);
            var votes = envelope.RootElement.GetProperty("message").GetProperty("counts").EnumerateArray()
                .Sum(c => c.GetProperty("newVotes").GetInt32());
            Record(DateTime.UtcNow, votes);
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue.QueueName, autoAck: true, consumer, ct);
        await closed.Task.WaitAsync(ct);
    }

    private void Record(DateTime at, int votes)
    {
        recent.Enqueue((at, votes));
        var minute = new DateTime(at.Ticks - at.Ticks % TimeSpan.TicksPerMinute, DateTimeKind.Utc);
        perMinute.AddOrUpdate(minute, votes, (_, n) => n + votes);
        foreach (var old in perMinute.Keys.Where(m => m < minute.AddMinutes(-Minutes)))
        {
            perMinute.TryRemove(old, out _);
        }
    }

    public double PerSecond
    {
        get
        {
            var since = DateTime.UtcNow - Window;
            while (recent.TryPeek(out var oldest) && oldest.At < since)
            {
                recent.TryDequeue(out _);
            }
            return recent.Sum(t => t.Votes) / Window.TotalSeconds;
        }
    }

    /// <summary>Votes counted in each of the last <paramref name="minutes"/> minutes, oldest first, the current one last.</summary>
    public IReadOnlyList<(DateTime Minute, int Votes)> PerMinute(int minutes = 30)
    {
        var now = DateTime.UtcNow;
        var current = new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerMinute, DateTimeKind.Utc);
        return Enumerable.Range(0, minutes).Select(i => current.AddMinutes(i - minutes + 1))
            .Select(m => (m, perMinute.TryGetValue(m, out var n) ? n : 0)).ToList();
    }
}
