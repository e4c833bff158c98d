using System.Collections.Concurrent;

namespace ConductorMesh.Voting.Domain;

/// <summary>
/// The first pages of the live boards as last read from Redis, answered again until the tally
/// announces new standings for their cycle (<see cref="LeaderboardWatch"/>). A board changes at most
/// once per tally step, and thousands of readers ask for the same top 10 in between: each of them
/// cost a Redis round trip, about a quarter of Voting's CPU per read under load
/// (docs/benchmarks.md). A page is kept for at most <see cref="MaxAge"/> as well, so a lost
/// announcement or a change made without one (a rebuild on another replica) shows within that time.
/// </summary>
public sealed class BoardPages(Leaderboards boards, LeaderboardWatch watch)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromMilliseconds(250);

    // Only first pages of usual sizes are kept: deeper pages are rare, and their offsets are the
    // caller's to choose, so keeping them would let a caller fill memory.
    private const int MaxKeptSize = 100;
    private const int MaxKeptPages = 10_000;

    private readonly ConcurrentDictionary<(string Key, int Size), Page> pages = new();

    public async Task<(IReadOnlyList<(Guid IdeaId, long Votes)> Entries, long Size)> PageAsync(Guid cycleId, string key, int offset, int size)
    {
        if (offset != 0 || size > MaxKeptSize)
        {
            return await boards.PageAsync(key, offset, size);
        }
        await watch.SubscribedAsync();
        // The version is read before Redis is: a page read across an announcement is kept under the
        // older version, so the next reader reads again.
        var version = watch.VersionOf(cycleId);
        var now = Environment.TickCount64;
        if (pages.TryGetValue((key, size), out var page) && page.Version == version && now - page.ReadAt < MaxAge.TotalMilliseconds)
        {
            return (page.Entries, page.BoardSize);
        }
        var read = await boards.PageAsync(key, offset, size);
        if (pages.Count >= MaxKeptPages)
        {
            pages.Clear();
        }
        pages[(key, size)] = new Page(read.Entries, read.Size, version, now);
        return read;
    }

    private sealed record Page(IReadOnlyList<(Guid IdeaId, long Votes)> Entries, long BoardSize, long Version, long ReadAt);
}
