using Dapper;
using Npgsql;

namespace ConductorMesh.Voting.Data;

/// <summary>
/// A closed cycle's boards and standings, read from its final tallies in PostgreSQL rather than
/// from Redis: they never change, and a flushed Redis or a rebuild cannot touch them.
/// </summary>
public sealed class FinalStandings(NpgsqlDataSource dataSource, VoteStore votes)
{
    private const string OnBoard = "cycle_id = @cycleId AND NOT withdrawn";

    /// <summary>Entries <paramref name="offset"/> to offset + count - 1 of a closed cycle's board (one tier, one category, or all); and the board's size.</summary>
    public Task<(IReadOnlyList<(Guid IdeaId, long Votes)> Entries, long Size)> PageAsync(
        Guid cycleId, string? tier, string? category, int offset, int count, CancellationToken ct) =>
        ReadAsync<(IReadOnlyList<(Guid IdeaId, long Votes)> Entries, long Size)>(cycleId, page => page.Size == 0, async () =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            var filter = $"{OnBoard} AND (@tier::text IS NULL OR tier = @tier) AND (@category::text IS NULL OR category = @category)";
            using var read = await connection.QueryMultipleAsync(
                $"""
                SELECT idea_id, votes FROM final_tallies WHERE {filter} ORDER BY position OFFSET @offset LIMIT @count;
                SELECT count(*) FROM final_tallies WHERE {filter};
                """, new { cycleId, tier, category, offset, count });
            var entries = (await read.ReadAsync<(Guid IdeaId, long Votes)>()).AsList();
            return (entries, await read.ReadSingleAsync<long>());
        }, ct);

    /// <summary>An idea's final votes and its 1-based ranks overall, in its tier and in its category; 0 when it is on no board.</summary>
    public Task<(long Votes, int Rank, int TierRank, int CategoryRank)> StandingAsync(Guid cycleId, Guid ideaId, CancellationToken ct) =>
        ReadAsync(cycleId, standing => standing.Rank == 0, async () =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            return await connection.QuerySingleOrDefaultAsync<(long Votes, int Rank, int TierRank, int CategoryRank)>(
                $"""
                SELECT votes, rank, tier_rank, category_rank FROM (
                    SELECT idea_id, votes, row_number() OVER (ORDER BY position)::int AS rank,
                           row_number() OVER (PARTITION BY tier ORDER BY position)::int AS tier_rank,
                           row_number() OVER (PARTITION BY category ORDER BY position)::int AS category_rank
                    FROM final_tallies WHERE {OnBoard}) s
                WHERE idea_id = @ideaId
                """, new { cycleId, ideaId });
        }, ct);

    /// <summary>
    /// Reads; and when the read finds nothing, makes sure the cycle has its final tallies (one
    /// closed before they were stored gets them now, from the vote log; the close is idempotent)
    /// and reads again. A cycle that has them costs no more than the read.
    /// </summary>
    private async Task<T> ReadAsync<T>(Guid cycleId, Func<T, bool> empty, Func<Task<T>> read, CancellationToken ct)
    {
        var result = await read();
        if (!empty(result))
        {
            return result;
        }
        await votes.FinalizeAsync(cycleId, ct);
        return await read();
    }
}
