using ConductorMesh.Voting.Data;
using ConductorMesh.Voting.Domain;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ConductorMesh.Voting.Events;

/// <summary>
/// Runs the tally on one replica at a time: the replica holding a PostgreSQL session lock is the
/// leader; the others wait to take over if its connection drops. On taking the lead it rebuilds
/// every leaderboard, then sleeps until a commit of votes or a rebuild request wakes it
/// (<see cref="TallyStore.WakeChannel"/>). Under load it counts at most once per
/// <see cref="VotingRules.TallyInterval"/>, so many votes share one step, one event and one
/// transaction in Community, rather than each few votes setting off all of it.
/// </summary>
public sealed class TallyLeader(NpgsqlDataSource dataSource, TallyStore tally, Leaderboards leaderboards, IOptions<VotingRules> rules, ILogger<TallyLeader> logger)
    : BackgroundService
{
    private const long LockKey = 0x766F74696E67; // "voting"

    /// <summary>A NOTIFY could be lost with a dropped connection: an idle leader looks anyway this often.</summary>
    private static readonly TimeSpan IdlePoll = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                if (!await connection.ExecuteScalarAsync<bool>("SELECT pg_try_advisory_lock(@LockKey)", new { LockKey }))
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
                    continue;
                }
                logger.LogInformation("This replica now runs the vote tally");
                // A wake-up that arrives while a step runs is kept here, so the next wait ends at once.
                var woken = false;
                connection.Notification += (_, _) => woken = true;
                await connection.ExecuteAsync($"LISTEN {TallyStore.WakeChannel}");
                tally.RebuildEverythingNext();
                while (!stoppingToken.IsCancellationRequested)
                {
                    woken = false;
                    var step = await tally.StepAsync(connection, stoppingToken);
                    foreach (var cycle in step.ChangedCycles)
                    {
                        await AnnounceAsync(cycle);
                    }
                    if (step.Worked)
                    {
                        await Task.Delay(rules.Value.TallyInterval, stoppingToken);
                    }
                    else if (!woken)
                    {
                        await connection.WaitAsync(IdlePoll, stoppingToken);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "The vote tally stopped; trying again");
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }

    private async Task AnnounceAsync(Guid cycle)
    {
        try
        {
            await leaderboards.AnnounceAsync(cycle);
        }
        catch (Exception e) when (e is StackExchange.Redis.RedisException or TimeoutException)
        {
            logger.LogDebug("Could not announce new standings of {Cycle}: {Message}", cycle, e.Message);
        }
    }
}
