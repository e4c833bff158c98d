using ConductorMesh.Grants.Data;
using ConductorMesh.Grants.Domain;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ConductorMesh.Grants.Events;

/// <summary>
/// Advances cycles on their schedules: every <see cref="GrantsRules.SchedulerInterval"/> it
/// takes the steps that are due, in order. It keeps no state of its own: what has happened is in
/// each cycle's row, so after a restart (or a long stop) it makes exactly the steps still
/// missing, and replicas running it side by side make each step once.
/// </summary>
public sealed class PhaseScheduler(NpgsqlDataSource dataSource, CycleSteps steps, IOptions<GrantsRules> rules, ILogger<PhaseScheduler> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(rules.Value.SchedulerInterval);
        do
        {
            try
            {
                await RunDueStepsAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "The phase scheduler could not read the cycles due; trying again");
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task RunDueStepsAsync(CancellationToken ct)
    {
        var now = DateTime.UtcNow;
        IReadOnlyList<CycleRow> due;
        await using (var connection = await dataSource.OpenConnectionAsync(ct))
        {
            due = (await connection.QueryAsync<CycleRow>(
                $"""
                SELECT {GrantsStore.CycleColumns} FROM cycles
                WHERE phase = 'open' AND ((submissions_closed_at IS NULL AND submissions_close_at <= @now)
                   OR (voting_opened_at IS NULL AND voting_closed_at IS NULL AND voting_opens_at <= @now) OR closes_at <= @now)
                ORDER BY closes_at LIMIT 100
                """, new { now })).AsList();
        }
        foreach (var cycle in due)
        {
            foreach (var step in CycleSchedule.DueSteps(cycle.Times, now))
            {
                try
                {
                    await steps.TakeAsync(cycle.Id, step, ct);
                    logger.LogInformation("Cycle {CycleId}: {Step} on schedule", cycle.Id, step);
                }
                catch (Exception e) when (!ct.IsCancellationRequested)
                {
                    // The next steps of this cycle wait for this one; it is tried again next time.
                    logger.LogWarning(e, "Cycle {CycleId}: {Step} is due and could not be made; trying again", cycle.Id, step);
                    break;
                }
            }
        }
    }
}
