using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace ConductorMesh.Voting.Data;

/// <summary>
/// Redis as the leaderboards' cache: unhealthy at once while the connection is down (no new
/// connection attempt to wait for), and a ping that must answer within a second otherwise.
/// </summary>
public sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    private static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(1);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!redis.IsConnected)
        {
            return HealthCheckResult.Unhealthy("Redis is not connected; votes are still taken, the boards catch up when it is back.");
        }
        try
        {
            await redis.GetDatabase().PingAsync().WaitAsync(PingTimeout, cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is TimeoutException or RedisException)
        {
            return HealthCheckResult.Unhealthy($"Redis did not answer a ping: {e.Message}");
        }
    }
}
