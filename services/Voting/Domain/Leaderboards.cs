using ConductorMesh.Voting.Data;
using StackExchange.Redis;

namespace ConductorMesh.Voting.Domain;

/// <summary>
/// Live standings in Redis sorted sets: per cycle, per cycle and tier, per cycle and category.
/// They are a projection of the vote log, never the truth: a vote counts once it is in
/// PostgreSQL, whether or not Redis took the increment.
/// </summary>
public sealed class Leaderboards(IConnectionMultiplexer redis, ILogger<Leaderboards> logger)
{
    public static string Key(Guid cycleId, string? tier = null, string? category = null) =>
        (tier, category) switch
        {
            (not null, _) => $"lb:{cycleId}:tier:{tier}",
            (_, not null) => $"lb:{cycleId}:category:{category}",
            _ => $"lb:{cycleId}",
        };

    public async Task CountAsync(BallotIdea idea)
    {
        var member = idea.IdeaId.ToString();
        var batch = redis.GetDatabase().CreateBatch();
        var increments = new[]
        {
            batch.SortedSetIncrementAsync(Key(idea.CycleId), member, 1),
            batch.SortedSetIncrementAsync(Key(idea.CycleId, tier: idea.Tier), member, 1),
            batch.SortedSetIncrementAsync(Key(idea.CycleId, category: idea.Category), member, 1),
        };
        batch.Execute();
        try
        {
            await Task.WhenAll(increments);
        }
        catch (RedisException e)
        {
            logger.LogWarning("Leaderboard not updated for idea {IdeaId} ({Message}); the vote is recorded and a rebuild restores it", idea.IdeaId, e.Message);
        }
    }

    public async Task<IReadOnlyList<(Guid IdeaId, long Votes)>> TopAsync(string key, int count)
    {
        var entries = await redis.GetDatabase().SortedSetRangeByRankWithScoresAsync(key, 0, count - 1, Order.Descending);
        return entries.Select(e => (Guid.Parse(e.Element.ToString()), (long)e.Score)).ToList();
    }
}
