using Dapper;
using Npgsql;

namespace ConductorMesh.Voting.Data;

/// <summary>The ideas in the vote and their cycles.</summary>
public sealed class BallotStore(NpgsqlDataSource dataSource)
{
    public async Task<BallotIdea?> FindAsync(Guid ideaId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<BallotIdea>(
            "SELECT idea_id, cycle_id, tier, category FROM ballot_ideas WHERE idea_id = @ideaId", new { ideaId });
    }

    public async Task AddAsync(BallotIdea idea, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await AddAsync(connection, null, idea);
    }

    public static Task AddAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, BallotIdea idea) =>
        connection.ExecuteAsync(
            """
            INSERT INTO ballot_cycles (cycle_id) VALUES (@CycleId) ON CONFLICT DO NOTHING;
            INSERT INTO ballot_ideas (idea_id, cycle_id, tier, category) VALUES (@IdeaId, @CycleId, @Tier, @Category) ON CONFLICT DO NOTHING;
            """, idea, tx);
}
