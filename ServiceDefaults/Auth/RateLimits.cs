using System.Globalization;
using System.Threading.RateLimiting;
using ConductorMesh.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>Calls a second allowed to each caller that acts for others (section "RateLimits").</summary>
public sealed class RateLimitRules
{
    /// <summary>Per partner (a partner token's <c>partner</c> claim), for all its members together.</summary>
    public int PartnerPerSecond { get; set; } = 2000;

    /// <summary>Per member (a member token's <c>sub</c>).</summary>
    public int MemberPerSecond { get; set; } = 20;
}

public static class RateLimits
{
    /// <summary>
    /// Token buckets per partner and per member, from the caller's token; operators, moderators
    /// and anonymous calls are not metered here. A refusal is a gRPC RESOURCE_EXHAUSTED that says
    /// when to retry.
    /// </summary>
    public static IHostApplicationBuilder AddMeshRateLimits(this IHostApplicationBuilder builder)
    {
        var rules = builder.Configuration.GetSection("RateLimits").Get<RateLimitRules>() ?? new RateLimitRules();
        builder.Services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                var (key, perSecond) = MeshCaller.Of(context.User) switch
                {
                    { Role: MeshClaims.Roles.Partner, Partner: { } partner } => ($"partner {partner}", rules.PartnerPerSecond),
                    { Role: MeshClaims.Roles.Member, Member: { } member } => ($"member {member}", rules.MemberPerSecond),
                    _ => ("", 0),
                };
                return key.Length == 0
                    ? RateLimitPartition.GetNoLimiter("")
                    : RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = perSecond, TokensPerPeriod = perSecond, ReplenishmentPeriod = TimeSpan.FromSeconds(1), QueueLimit = 0, AutoReplenishment = true,
                    });
            });
            o.OnRejected = (rejected, _) =>
            {
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
                var response = rejected.HttpContext.Response;
                // A trailers-only gRPC answer, so callers see RESOURCE_EXHAUSTED rather than an HTTP 429.
                response.StatusCode = StatusCodes.Status200OK;
                response.ContentType = "application/grpc";
                response.Headers["grpc-status"] = ((int)Grpc.Core.StatusCode.ResourceExhausted).ToString(CultureInfo.InvariantCulture);
                response.Headers["grpc-message"] = Uri.EscapeDataString($"Too many calls for this caller; retry after {Math.Ceiling(retryAfter.TotalMilliseconds):0} ms.");
                response.Headers["retry-after-ms"] = Math.Ceiling(retryAfter.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
                return ValueTask.CompletedTask;
            };
        });
        return builder;
    }
}
