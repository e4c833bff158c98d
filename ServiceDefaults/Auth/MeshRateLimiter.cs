using System.Threading.RateLimiting;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;

namespace ConductorMesh.ServiceDefaults.Auth;

/// <summary>The buckets of partners and members, shared by the call door (middleware) and the streamed messages.</summary>
public sealed class MeshRateLimiter(RateLimitRules rules)
{
    public PartitionedRateLimiter<HttpContext> Limiter { get; } = PartitionedRateLimiter.Create<HttpContext, string>(context =>
    {
        var caller = MeshCaller.Of(context.User);
        var (key, perSecond) = caller switch
        {
            { Role: MeshClaims.Roles.Partner, Partner: { } partner } => (caller.LimitKey, rules.Partners.GetValueOrDefault(partner, rules.PartnerPerSecond)),
            { Role: MeshClaims.Roles.Member, Member: not null } => (caller.LimitKey, rules.MemberPerSecond),
            // Health, reflection and calls whose token was refused: a flood of them is held to a rate too.
            _ when context.User.Identity?.IsAuthenticated != true => ($"anonymous {context.Connection.RemoteIpAddress}", rules.AnonymousPerSecond),
            _ => (null, 0),
        };
        return key is null
            ? RateLimitPartition.GetNoLimiter("")
            : RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = perSecond, TokensPerPeriod = perSecond, ReplenishmentPeriod = TimeSpan.FromSeconds(1), QueueLimit = 0, AutoReplenishment = true,
            });
    });

    /// <summary>Takes one more from the caller's bucket, for a message of a stream; RESOURCE_EXHAUSTED when it is empty.</summary>
    public void Charge(HttpContext context)
    {
        using var lease = Limiter.AttemptAcquire(context);
        if (!lease.IsAcquired)
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted, TooMany(RetryAfter(lease))));
        }
    }

    public static TimeSpan RetryAfter(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);

    public static string TooMany(TimeSpan retryAfter) =>
        $"Too many calls or streamed messages for this caller; retry after {Math.Ceiling(retryAfter.TotalMilliseconds):0} ms.";
}
