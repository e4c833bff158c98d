using System.Collections.Concurrent;
using System.Threading.Channels;
using Dapper;
using Npgsql;

namespace ConductorMesh.Community.Data;

/// <summary>
/// Hears every new activity, on whichever replica it was written (PostgreSQL LISTEN on
/// <see cref="FeedStore.Channel"/>), and hands its id to each live feed on this replica.
/// </summary>
public sealed class FeedWatch(NpgsqlDataSource dataSource, ILogger<FeedWatch> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<Guid, Channel<Guid>> watchers = new();
    private readonly TaskCompletionSource listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Ids of activities from now on, until the subscription is disposed.</summary>
    public async Task<Subscription> SubscribeAsync(CancellationToken ct)
    {
        var key = Guid.NewGuid();
        var channel = Channel.CreateBounded<Guid>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest });
        watchers[key] = channel;
        await listening.Task.WaitAsync(ct);
        return new Subscription(channel.Reader, () => watchers.TryRemove(key, out _));
    }

    public sealed class Subscription(ChannelReader<Guid> reader, Action end) : IDisposable
    {
        public ChannelReader<Guid> Activities => reader;

        public void Dispose() => end();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, e) =>
                {
                    if (Guid.TryParse(e.Payload, out var id))
                    {
                        foreach (var watcher in watchers.Values)
                        {
                            watcher.Writer.TryWrite(id);
                        }
                    }
                };
                await connection.ExecuteAsync($"LISTEN {FeedStore.Channel}");
                listening.TrySetResult();
                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Live feeds lost their PostgreSQL listener; listening again");
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }
}
