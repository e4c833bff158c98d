using System.Threading.Channels;
using ConductorMesh.Voting.Domain;
using Microsoft.Extensions.Options;

namespace ConductorMesh.Voting.Data;

/// <summary>
/// Group commit: votes from every caller (unary and bulk) wait in one queue, and each
/// transaction commits all that have arrived, in arrival order. A caller's vote is answered
/// once its transaction has committed.
/// </summary>
public sealed class VoteWriter(VoteStore store, IOptions<VotingRules> rules, ILogger<VoteWriter> logger) : BackgroundService
{
    private sealed record Pending(NewVote Vote, TaskCompletionSource<VoteResult> Result);

    private readonly Channel<Pending> queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });

    public Task<VoteResult> CastAsync(NewVote vote) => CastManyAsync([vote])[0];

    /// <summary>Queues the votes together, so they are applied in this order.</summary>
    public IReadOnlyList<Task<VoteResult>> CastManyAsync(IReadOnlyList<NewVote> votes)
    {
        var pending = votes.Select(v => new Pending(v, new TaskCompletionSource<VoteResult>(TaskCreationOptions.RunContinuationsAsynchronously))).ToList();
        lock (queue)
        {
            foreach (var p in pending)
            {
                queue.Writer.TryWrite(p);
            }
        }
        return pending.Select(p => p.Result.Task).ToList();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Pending>(rules.Value.MaxBatch);
        while (await queue.Reader.WaitToReadAsync(stoppingToken))
        {
            batch.Clear();
            while (batch.Count < rules.Value.MaxBatch && queue.Reader.TryRead(out var next))
            {
                batch.Add(next);
            }
            try
            {
                // Not cancelled by shutdown: a batch that started commits and is answered.
                var results = await store.CommitAsync(batch.Select(p => p.Vote).ToList(), CancellationToken.None);
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
