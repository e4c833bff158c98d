using System.Text.Json;
using Dapper;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ConductorMesh.ServiceDefaults.Messaging;

/// <summary>
/// Publishes committed outbox rows through MassTransit in the order they were written and
/// marks them sent. A batch is published in that order with its broker confirms outstanding
/// together, so the rows' locks are held for about one confirm, not one per row. While the broker
/// is down rows wait and are retried with back-off; rows are claimed with SKIP LOCKED so replicas
/// never publish the same row at the same time.
/// </summary>
public sealed class OutboxRelay(NpgsqlDataSource dataSource, IBus bus, ILogger<OutboxRelay> logger) : BackgroundService
{
    private const int BatchSize = 100;

    // Set-aside rows stay counted (a metric operators watch) until someone deals with them.
    private bool setAsideSeen = true;
    private DateTime nextCount = DateTime.MinValue;
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
            "SELECT id, event_id, type, payload::text AS payload FROM outbox WHERE sent_at IS NULL AND set_aside_at IS NULL "
            + "ORDER BY id LIMIT @BatchSize FOR UPDATE SKIP LOCKED",
            new { BatchSize }, transaction)).ToList();

        var sent = new List<long>(rows.Count);
        var setAside = new List<(long Id, string Problem)>();
        var publishing = new List<(long Id, Task Confirmed)>(rows.Count);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(PublishTimeout);
        try
        {
            foreach (var row in rows)
            {
                if (!TryRead(row, out var type, out var message, out var problem))
                {
                    // It will never read better: set it aside rather than hold back every event behind it.
                    setAside.Add((row.Id, problem));
                    logger.LogError("Outbox row {Id} ({Type}) set aside: {Problem}", row.Id, row.Type, problem);
                    continue;
                }
                publishing.Add((row.Id, bus.Publish(message, type, Pipe.Execute<PublishContext>(c => c.MessageId = row.EventId), timeout.Token)));
            }
            Exception? failed = null;
            foreach (var (id, confirmed) in publishing)
            {
                try
                {
                    await confirmed;
                    sent.Add(id);
                }
                catch (Exception e)
                {
                    failed ??= e; // rows not confirmed stay unsent and are published again
                }
            }
            if (failed is not null)
            {
                throw failed;
            }
        }
        finally
        {
            // Whatever reached the broker is marked, even when a later row failed.
            if (sent.Count > 0 || setAside.Count > 0)
            {
                await connection.ExecuteAsync("UPDATE outbox SET sent_at = now() WHERE id = ANY(@sent)", new { sent }, transaction);
                if (setAside.Count > 0)
                {
                    await connection.ExecuteAsync(
                        "UPDATE outbox SET set_aside_at = now(), problem = p.problem FROM unnest(@ids, @problems) AS p(id, problem) WHERE outbox.id = p.id",
                        new { ids = setAside.Select(s => s.Id).ToArray(), problems = setAside.Select(s => s.Problem).ToArray() }, transaction);
                }
                await transaction.CommitAsync(CancellationToken.None);
            }
            await MeasureBacklogAsync(rows.Count, sent.Count + setAside.Count, stoppingToken);
        }
        return rows.Count;
    }

    private static bool TryRead(OutboxRow row, out Type type, out object message, out string problem)
    {
        (type, message, problem) = (typeof(object), new object(), "");
        try
        {
            type = Outbox.ResolveType(row.Type);
            message = JsonSerializer.Deserialize(row.Payload, type) ?? throw new JsonException("the payload is null");
            return true;
        }
        catch (Exception e) when (e is TypeLoadException or JsonException or NotSupportedException or ArgumentException)
        {
            problem = $"{e.GetType().Name}: {e.Message}";
            return false;
        }
    }

    /// <summary>Nothing is left when a short batch was all sent; otherwise the backlog is counted.</summary>
    private async Task MeasureBacklogAsync(int taken, int sent, CancellationToken ct)
    {
        if (taken < BatchSize && sent == taken && !setAsideSeen)
        {
            MessagingMetrics.OutboxSeen(0, 0, 0);
            return;
        }
        // Counted at most once a second: under a backlog, batches follow each other quickly.
        if (DateTime.UtcNow < nextCount)
        {
            return;
        }
        nextCount = DateTime.UtcNow.AddSeconds(1);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var (waiting, oldest, setAside) = await connection.QuerySingleAsync<(long, double, long)>(Outbox.BacklogSql);
        setAsideSeen = setAside > 0;
        MessagingMetrics.OutboxSeen(waiting, oldest, setAside);
    }

    private sealed record OutboxRow(long Id, Guid EventId, string Type, string Payload);
}
