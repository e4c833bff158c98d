using System.Globalization;
using System.Threading.RateLimiting;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;

namespace ConductorMesh.ServiceDefaults.Auth;

/// <summary>
/// The token buckets of partners, members and tokenless addresses, one per name. The call door
/// (middleware) charges the caller's bucket; each further message of a client stream charges it
/// again; and whatever a partner does for a member also charges that member's bucket, the same one
/// the member's own token draws on, so a member's limit holds whichever way their calls come.
/// </summary>
public sealed class MeshRateLimiter
{
    /// <summary>A bucket's name and rate; a rate of 0 is not metered (operators, moderators, services).</summary>
    private readonly record struct Bucket(string Name, int PerSecond);

    private readonly RateLimitRules rules;
    private readonly PartitionedRateLimiter<Bucket> buckets = PartitionedRateLimiter.Create<Bucket, string>(bucket => bucket.PerSecond <= 0
        ? RateLimitPartition.GetNoLimiter("")
        : RateLimitPartition.GetTokenBucketLimiter(bucket.Name, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = bucket.PerSecond, TokensPerPeriod = bucket.PerSecond, ReplenishmentPeriod = TimeSpan.FromSeconds(1), QueueLimit = 0, AutoReplenishment = true,
        }));

    public MeshRateLimiter(RateLimitRules rules)
    {
        this.rules = rules;
        Limiter = buckets.WithTranslatedKey<HttpContext>(CallerBucket, leaveOpen: true);
    }

    /// <summary>The caller's bucket, as the call door sees it.</summary>
    public PartitionedRateLimiter<HttpContext> Limiter { get; }

    private Bucket CallerBucket(HttpContext context)
    {
        var caller = MeshCaller.Of(context.User);
        return caller switch
        {
            { Role: MeshClaims.Roles.Partner, Partner: { } partner } => new(caller.LimitKey!, rules.Partners.GetValueOrDefault(partner, rules.PartnerPerSecond)),
            { Role: MeshClaims.Roles.Member, Member: not null } => new(caller.LimitKey!, rules.MemberPerSecond),
            // Health, reflection and calls whose token was refused: a flood of them is held to a rate too.
            _ when context.User.Identity?.IsAuthenticated != true => new($"anonymous {context.Connection.RemoteIpAddress}", rules.AnonymousPerSecond),
            _ => new("", 0),
        };
    }

    /// <summary>Takes one more from the caller's bucket, for a further message of a stream; RESOURCE_EXHAUSTED when it is empty.</summary>
    public void Charge(HttpContext context) => Take(CallerBucket(context), "this caller");

    /// <summary>Takes one from the bucket of a member a partner acts for; RESOURCE_EXHAUSTED when it is empty.</summary>
    public void ChargeMember(string member) => Take(new(MeshCaller.MemberKey(member), rules.MemberPerSecond), $"member {member}");

    private void Take(Bucket bucket, string whose)
    {
        using var lease = buckets.AttemptAcquire(bucket);
        if (!lease.IsAcquired)
        {
            var retryAfter = RetryAfter(lease);
            throw new RpcException(new Status(StatusCode.ResourceExhausted, TooMany(retryAfter, whose)), RetryTrailer(retryAfter));
        }
    }

    /// <summary>The trailer that tells a client, in milliseconds, when to retry a refused call.</summary>
    public const string RetryAfterHeader = "retry-after-ms";

    public static string Milliseconds(TimeSpan retryAfter) => Math.Ceiling(retryAfter.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);

    private static Metadata RetryTrailer(TimeSpan retryAfter) => new() { { RetryAfterHeader, Milliseconds(retryAfter) } };

    public static TimeSpan RetryAfter(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);

    public static string TooMany(TimeSpan retryAfter, string whose = "this caller") =>
        $"Too many calls or streamed messages for {whose}; retry after {Milliseconds(retryAfter)} ms.";
}
