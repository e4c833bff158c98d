using System.Collections.Concurrent;
using System.Threading.Channels;
using StackExchange.Redis;

namespace ConductorMesh.Voting.Domain;

/// <summary>
/// Wakes the watchers of a cycle's leaderboards when the tally announces new standings on Redis,
/// whichever replica runs the tally. A watcher's signal holds at most one wake-up, so a burst of
/// announcements while it is sending becomes a single update. Each announcement also moves its
/// cycle's <see cref="VersionOf">version</see>, which tells <see cref="BoardPages"/> that what it
/// remembers of the cycle is out of date.
/// </summary>
public sealed class LeaderboardWatch(IConnectionMultiplexer redis)
{
    private readonly ConcurrentDictionary<Guid, ConcurrentDictionary<Channel<bool>, byte>> watchers = new();
    private readonly ConcurrentDictionary<Guid, long> versions = new();
    private Task? subscribed;

    /// <summary>How many announcements this replica has heard for the cycle since it subscribed.</summary>
    public long VersionOf(Guid cycleId) => versions.GetValueOrDefault(cycleId);

    /// <summary>Subscribes to the announcements once; the versions count from then.</summary>
    public Task SubscribedAsync()
    {
        lock (watchers)
        {
            return subscribed ??= redis.GetSubscriber().SubscribeAsync(Leaderboards.Changed, (_, message) =>
            {
                if (!Guid.TryParse(message.ToString(), out var cycle))
                {
                    return;
                }
                versions.AddOrUpdate(cycle, 1, (_, v) => v + 1);
                if (watchers.TryGetValue(cycle, out var set))
                {
                    foreach (var signal in set.Keys)
                    {
                        signal.Writer.TryWrite(true);
                    }
                }
            });
        }
    }

    public async Task<Watcher> WatchAsync(Guid cycleId)
    {
        await SubscribedAsync();
        var channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        watchers.GetOrAdd(cycleId, _ => new())[channel] = 0;
        return new Watcher(channel.Reader, () => watchers[cycleId].TryRemove(channel, out _));
    }

    /// <summary>One watcher's wake-ups; disposing it stops them.</summary>
    public sealed class Watcher(ChannelReader<bool> signals, Action stop) : IDisposable
    {
        public async Task WaitAsync(CancellationToken ct) => await signals.ReadAsync(ct);

        public void Dispose() => stop();
    }
}
