using System.Collections.Concurrent;
using Grpc.Core;
using Microsoft.Extensions.Hosting;

namespace ConductorMesh.ServiceDefaults.Auth;

/// <summary>How many server streams each caller holds open; one more than its bound is refused until one ends.</summary>
public sealed class StreamLimits(RateLimitRules rules)
{
    private readonly ConcurrentDictionary<string, int> open = new();

    public IDisposable Open(ServerCallContext context)
    {
        var caller = MeshCaller.Of(context);
        if (caller.LimitKey is not { } key)
        {
            return Slot.None;
        }
        var bound = caller.Role == MeshClaims.Roles.Member ? rules.StreamsPerMember : rules.StreamsPerCaller;
        if (open.AddOrUpdate(key, 1, (_, n) => n + 1) > bound)
        {
            Release(key);
            throw new RpcException(new Status(StatusCode.ResourceExhausted,
                $"This caller already has {bound} streams open (WatchLeaderboard, WatchFeed); close one, then retry (one stream can follow a whole board or feed)."));
        }
        return new Slot(() => Release(key));
    }

    private void Release(string key)
    {
        // A caller with no stream left is forgotten, so the table holds only callers with streams open.
        if (open.AddOrUpdate(key, 0, (_, n) => n - 1) == 0)
        {
            open.TryRemove(KeyValuePair.Create(key, 0));
        }
    }

    private sealed class Slot(Action release) : IDisposable
    {
        public static readonly IDisposable None = new Slot(() => { });

        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                release();
            }
        }
    }
}
