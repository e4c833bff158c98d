using System.Diagnostics;
using System.Threading.Channels;
using ConductorMesh.ServiceDefaults.Telemetry;
using ConductorMesh.Voting.Domain;
using Microsoft.Extensions.Options;

namespace ConductorMesh.Voting.Data;

/// <summary>
/// Group commit: votes from every caller (unary and bulk) wait in queues, and each transaction
/// commits all that have arrived in its queue, in arrival order. A caller's vote is answered once
/// its transaction has committed. There is one queue per writer and a voter's votes always go to
/// the same one, so each voter's votes are applied in the order they came while the writers
/// overlap their commits.
/// </summary>
public sealed class VoteWriter(VoteStore store, IOptions<VotingRules> rules, ILogger<VoteWriter> logger) : BackgroundService
{
    /// <summary>A queued vote, with the trace of the call that cast it.</summary>
    private sealed record Pending(NewVote Vote, TaskCompletionSource<VoteResult> Result, ActivityContext Caller);

    private readonly Channel<Pending>[] queues =
        Enumerable.Range(0, rules.Value.Writers).Select(_ => Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true })).ToArray();

    public Task<VoteResult> CastAsync(NewVote vote) => CastManyAsync([vote])[0];

    /// <summary>Queues the votes together, so they are applied in this order.</summary>
    public IReadOnlyList<Task<VoteResult>> CastManyAsync(IReadOnlyList<NewVote> votes)
    {
        var caller = Activity.Current?.Context ?? default;
        var pending = votes.Select(v => new Pending(v, new TaskCompletionSource<VoteResult>(TaskCreationOptions.RunContinuationsAsynchronously), caller)).ToList();
        lock (queues)
        {
            foreach (var p in pending)
            {
                queues[(p.Vote.VoterId.GetHashCode() & int.MaxValue) % queues.Length].Writer.TryWrite(p);
            }
        }
        return pending.Select(p => p.Result.Task).ToList();
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(queues.Select(q => WriteAsync(q.Reader, stoppingToken)));

    /// <summary>One writer: takes what has queued up and commits it; the locks each batch takes keep every rule exact between writers.</summary>
    private async Task WriteAsync(ChannelReader<Pending> queue, CancellationToken stoppingToken)
    {
        var batch = new List<Pending>(rules.Value.MaxBatch);
        while (await queue.WaitToReadAsync(stoppingToken))
        {
            batch.Clear();
            while (batch.Count < rules.Value.MaxBatch && queue.TryRead(out var next))
            {
                batch.Add(next);
            }
            // The commit is a span in the trace of the first vote it carries, linked to the others'.
            using var span = MeshTelemetry.Source.HasListeners()
                ? MeshTelemetry.Source.StartActivity("commit vote batch", ActivityKind.Internal, batch[0].Caller,
                    links: batch.Skip(1).Select(p => p.Caller).Where(c => c != default).Distinct().Select(c => new ActivityLink(c)))
                : null;
            span?.SetTag("conductormesh.vote_batch.size", batch.Count);
            var started = Stopwatch.GetTimestamp();
            try
            {
                // Not cancelled by shutdown: a batch that started commits and is answered.
                var results = await store.CommitAsync(batch.Select(p => p.Vote).ToList(), CancellationToken.None);
                VotingMetrics.Batch(results, Stopwatch.GetElapsedTime(started));
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Result.SetResult(results[i]);
                }
            }
            catch (Exception e)
            {
                logger.LogError(e, "A batch of {Count} votes could not be committed; none of them was recorded", batch.Count);
                foreach (var p in batch)
                {
                    p.Result.SetException(e);
                }
            }
        }
    }
}
