using System.Globalization;
using System.Threading.RateLimiting;
using ConductorMesh.ServiceDefaults.Auth;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>Limits for each caller that acts for others (section "RateLimits").</summary>
public sealed class RateLimitRules
{
    /// <summary>Calls and streamed messages a second per partner (a partner token's <c>partner</c> claim), for all its members together.</summary>
    public int PartnerPerSecond { get; set; } = 2000;

    /// <summary>A partner's own limit where it differs (<c>RateLimits:Partners:&lt;partner&gt;</c>): a gateway relaying votes in bulk, say.</summary>
    public Dictionary<string, int> Partners { get; set; } = [];

    /// <summary>Calls and streamed messages a second per member: by the member's own token (its <c>sub</c>) and by partners acting for them, together.</summary>
    public int MemberPerSecond { get; set; } = 20;

    /// <summary>Calls a second per client address without a valid token (health, reflection, refused calls).</summary>
    public int AnonymousPerSecond { get; set; } = 1000;

    /// <summary>Server streams (<c>WatchLeaderboard</c>, <c>WatchFeed</c>) open at once per member.</summary>
    public int StreamsPerMember { get; set; } = 5;

    /// <summary>Server streams open at once per partner, and per operator, moderator or service.</summary>
    public int StreamsPerCaller { get; set; } = 100;
}

public static class RateLimits
{
    /// <summary>
    /// Token buckets per partner and per member, from the caller's token, charged once per call
    /// (as it arrives) and once more per further message of a client stream; a member's bucket
    /// also for every request a partner makes for them (<see cref="MeshRateLimiter"/>); and a bound on each
    /// caller's open server streams. Calls without a valid token are metered per client address;
    /// operators, moderators and services are not metered by rate. A refusal is a gRPC RESOURCE_EXHAUSTED that says when to retry.
    /// </summary>
    public static IHostApplicationBuilder AddMeshRateLimits(this IHostApplicationBuilder builder)
    {
        var rules = builder.Configuration.GetSection("RateLimits").Get<RateLimitRules>() ?? new RateLimitRules();
        var limiter = new MeshRateLimiter(rules);
        builder.Services.AddSingleton(limiter);
        builder.Services.AddSingleton(new StreamLimits(rules));
        builder.Services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = limiter.Limiter;
            o.OnRejected = (rejected, _) =>
            {
                var retryAfter = MeshRateLimiter.RetryAfter(rejected.Lease);
                var response = rejected.HttpContext.Response;
                // A trailers-only gRPC answer, so callers see RESOURCE_EXHAUSTED rather than an HTTP 429.
                response.StatusCode = StatusCodes.Status200OK;
                response.ContentType = "application/grpc";
                response.Headers["grpc-status"] = ((int)StatusCode.ResourceExhausted).ToString(CultureInfo.InvariantCulture);
                response.Headers["grpc-message"] = Uri.EscapeDataString(MeshRateLimiter.TooMany(retryAfter));
                response.Headers[MeshRateLimiter.RetryAfterHeader] = MeshRateLimiter.Milliseconds(retryAfter);
                return ValueTask.CompletedTask;
            };
        });
        return builder;
    }
}
