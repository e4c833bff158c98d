using ConductorMesh.Contracts;
using StackExchange.Redis;

namespace ConductorMesh.Voting.Domain;

/// <summary>An idea's place on the leaderboards of its cycle: its votes, and when the last of them came (which breaks ties).</summary>
public sealed record BoardEntry(Guid IdeaId, Guid CycleId, string Tier, string Category, long Votes, DateTime LastVoteAt)
{
    public double Score => StandingOrder.Score(Votes, LastVoteAt);
}

/// <summary>
/// Live standings in Redis sorted sets: per cycle, per cycle and tier, per cycle and category.
/// They are a projection of the vote log written only by the tally (absolute counts, never
/// increments), so a rebuild from PostgreSQL puts them back exactly. Scores carry the tie rule
/// of <see cref="StandingOrder"/>, so the boards rank as the awards do.
/// </summary>
public sealed class Leaderboards(IConnectionMultiplexer redis)
{
    /// <summary>The pub/sub channel that carries the id of each cycle whose standings changed.</summary>
    public static readonly RedisChannel Changed = RedisChannel.Literal("voting:leaderboard-changed");

    public static string Key(Guid cycleId, string? tier = null, string? category = null) =>
        (tier, category) switch
        {
            (not null, _) => $"lb:{cycleId}:tier:{tier}",
            (_, not null) => $"lb:{cycleId}:category:{category}",
            _ => $"lb:{cycleId}",
        };

    private static string[] KeysOf(BoardEntry e) => [Key(e.CycleId), Key(e.CycleId, tier: e.Tier), Key(e.CycleId, category: e.Category)];

    /// <summary>Sets the counts of these ideas on all their boards.</summary>
    public async Task SetAsync(IReadOnlyCollection<BoardEntry> entries)
    {
        var batch = redis.GetDatabase().CreateBatch();
        var writes = entries.SelectMany(e => KeysOf(e).Select(k => batch.SortedSetAddAsync(k, e.IdeaId.ToString(), e.Score))).ToList<Task>();
        batch.Execute();
        await Task.WhenAll(writes);
    }

    /// <summary>
    /// Replaces a cycle's boards with its <paramref name="ballot"/>: ideas with votes are placed, and
    /// a board left without any is removed. Each board is built aside and renamed over the live
    /// one, so readers never see it half built.
    /// </summary>
    public async Task ReplaceAsync(Guid cycleId, IReadOnlyCollection<BoardEntry> ballot)
    {
        var db = redis.GetDatabase();
        var boards = ballot.Where(e => e.Votes > 0).SelectMany(e => KeysOf(e).Select(k => (Key: k, Entry: e))).ToLookup(x => x.Key, x => x.Entry);
        foreach (var key in ballot.SelectMany(KeysOf).Append(Key(cycleId)).Distinct())
        {
            var members = boards[key].Select(e => new SortedSetEntry(e.IdeaId.ToString(), e.Score)).ToArray();
            if (members.Length == 0)
            {
                await db.KeyDeleteAsync(key);
                continue;
            }
            var building = $"{key}:rebuild";
            await db.KeyDeleteAsync(building);
            await db.SortedSetAddAsync(building, members);
            await db.KeyRenameAsync(building, key);
        }
    }

    public Task AnnounceAsync(Guid cycleId) => redis.GetSubscriber().PublishAsync(Changed, cycleId.ToString());

    /// <summary>Entries <paramref name="offset"/> to offset + count - 1 by votes, most first; and the board's size.</summary>
    public async Task<(IReadOnlyList<(Guid IdeaId, long Votes)> Entries, long Size)> PageAsync(string key, int offset, int count)
    {
        var db = redis.GetDatabase();
        var entries = db.SortedSetRangeByRankWithScoresAsync(key, offset, offset + count - 1, Order.Descending);
        var size = db.SortedSetLengthAsync(key);
        return ((await entries).Select(e => (Guid.Parse(e.Element.ToString()), StandingOrder.Votes(e.Score))).ToList(), await size);
    }

    /// <summary>The idea's votes and its 1-based rank on each of the boards; 0 when it is not on them.</summary>
    public async Task<(long Votes, int Rank, int TierRank, int CategoryRank)> StandingAsync(Guid cycleId, string tier, string category, Guid ideaId)
    {
        var db = redis.GetDatabase();
        var member = ideaId.ToString();
        // Sent together: one round trip for the four answers.
        var votes = db.SortedSetScoreAsync(Key(cycleId), member);
        var ranks = new[] { Key(cycleId), Key(cycleId, tier: tier), Key(cycleId, category: category) }
            .Select(key => db.SortedSetRankAsync(key, member, Order.Descending)).ToArray();
        int Place(long? rank) => rank is { } r ? (int)r + 1 : 0;
        return (StandingOrder.Votes(await votes ?? 0), Place(await ranks[0]), Place(await ranks[1]), Place(await ranks[2]));
    }
}
