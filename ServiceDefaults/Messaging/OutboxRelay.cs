using System.Text.Json;
using Dapper;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ConductorMesh.ServiceDefaults.Messaging;

/// <summary>
/// Publishes committed outbox rows through MassTransit in the order they were written and
/// marks them sent. While the broker is down rows wait and are retried with back-off; rows are
/// claimed with SKIP LOCKED so replicas never publish the same row at the same time.
/// </summary>
public sealed class OutboxRelay(NpgsqlDataSource dataSource, IBus bus, ILogger<OutboxRelay> logger) : BackgroundService
{
    private const int BatchSize = 100;
    private static readonly TimeSpan IdlePoll = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromMilliseconds(250);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var listener = await dataSource.OpenConnectionAsync(stoppingToken);
                await listener.ExecuteAsync($"LISTEN {Outbox.Channel}");
                while (!stoppingToken.IsCancellationRequested)
                {
                    if (await PublishBatchAsync(stoppingToken) == BatchSize)
                    {
                        continue;
                    }
                    backoff = TimeSpan.FromMilliseconds(250);
                    await listener.WaitAsync(IdlePoll, stoppingToken);
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("Outbox relay paused for {Backoff}: {Message}", backoff, e.Message);
                await Task.Delay(backoff, stoppingToken);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }

    private async Task<int> PublishBatchAsync(CancellationToken stoppingToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
        await using var transaction = await connection.BeginTransactionAsync(stoppingToken);
        var rows = (await connection.QueryAsync<OutboxRow>(
            "SELECT id, event_id, type, payload::text AS payload FROM outbox WHERE sent_at IS NULL ORDER BY id LIMIT @BatchSize FOR UPDATE SKIP LOCKED",
            new { BatchSize }, transaction)).ToList();

        var sent = new List<long>(rows.Count);
        try
        {
            foreach (var row in rows)
            {
                var type = Outbox.ResolveType(row.Type);
                var message = JsonSerializer.Deserialize(row.Payload, type)!;
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                timeout.CancelAfter(PublishTimeout);
                await bus.Publish(message, type, Pipe.Execute<PublishContext>(c => c.MessageId = row.EventId), timeout.Token);
                sent.Add(row.Id);
            }
        }
        finally
        {
            // Whatever reached the broker is marked, even when a later row failed.
            if (sent.Count > 0)
            {
                await connection.ExecuteAsync("UPDATE outbox SET sent_at = now() WHERE id = ANY(@sent)", new { sent }, transaction);
                await transaction.CommitAsync(CancellationToken.None);
            }
            await MeasureBacklogAsync(rows.Count, sent.Count, stoppingToken);
        }
        return rows.Count;
    }

    /// <summary>Nothing is left when a short batch was all sent; otherwise the backlog is counted.</summary>
    private async Task MeasureBacklogAsync(int taken, int sent, CancellationToken ct)
    {
        if (taken < BatchSize && sent == taken)
        {
            MessagingMetrics.OutboxSeen(0, 0);
            return;
        }
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var (waiting, oldest) = await connection.QuerySingleAsync<(long, double)>(
            "SELECT count(*), coalesce(extract(epoch FROM now() - min(created_at))::float8, 0) FROM outbox WHERE sent_at IS NULL");
        MessagingMetrics.OutboxSeen(waiting, oldest);
    }

    private sealed record OutboxRow(long Id, Guid EventId, string Type, string Payload);
}
