using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ConductorMesh.ServiceDefaults.Messaging;

/// <summary>
/// Keeps the outbox and the inbox bounded under millions of events: at start and then hourly, it
/// deletes outbox rows published more than a day ago, and the record of events handled more than
/// a week ago (far longer than the bus ever holds a message back, so no duplicate gets through).
/// Rows are deleted a slice at a time, so no long lock holds up the writers.
/// </summary>
public sealed class OutboxRetention(NpgsqlDataSource dataSource, ILogger<OutboxRetention> logger) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromHours(1);
    private static readonly TimeSpan KeepSent = TimeSpan.FromDays(1);
    private static readonly TimeSpan KeepHandled = TimeSpan.FromDays(7);
    private const int Slice = 10_000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var sent = await DeleteAsync(
                    "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE sent_at < now() - @age LIMIT @Slice)", KeepSent, stoppingToken);
                var handled = await DeleteAsync(
                    "DELETE FROM processed_events WHERE ctid IN (SELECT ctid FROM processed_events WHERE processed_at < now() - @age LIMIT @Slice)",
                    KeepHandled, stoppingToken);
                if (sent + handled > 0)
                {
                    logger.LogInformation("Retention: {Sent} published events and {Handled} handled-event records deleted", sent, handled);
                }
            }
            catch (NpgsqlException e)
            {
                logger.LogWarning("Retention skipped this time: {Message}", e.Message);
            }
            await Task.Delay(Every, stoppingToken);
        }
    }

    private async Task<long> DeleteAsync(string sql, TimeSpan age, CancellationToken ct)
    {
        long total = 0;
        int deleted;
        do
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            deleted = await connection.ExecuteAsync(sql, new { age, Slice });
            total += deleted;
        }
        while (deleted == Slice && !ct.IsCancellationRequested);
        return total;
    }
}
