using ConductorMesh.Ideas.V1;
using ConductorMesh.ServiceDefaults.Data;
using ConductorMesh.ServiceDefaults.Grpc;
using Dapper;
using Npgsql;

namespace ConductorMesh.Community.Data;

/// <summary>
/// The ideas Community knows, learnt from IdeaSubmitted and asked of Ideas on a miss, so
/// following or commenting on an idea right after its submission does not race the event.
/// </summary>
public sealed class IdeaDirectory(NpgsqlDataSource dataSource, IdeasApi.IdeasApiClient ideas)
{
    public async Task<KnownIdea> EnsureAsync(Guid ideaId, CancellationToken ct)
    {
        await using (var connection = await dataSource.OpenConnectionAsync(ct))
        {
            if (await connection.QuerySingleOrDefaultAsync<KnownIdea>(
                    "SELECT idea_id, cycle_id, author_member_id, title FROM ideas WHERE idea_id = @ideaId", new { ideaId }) is { } known)
            {
                return known;
            }
        }
        var idea = await Downstream.AskAsync(() => ideas.GetIdeaAsync(new GetIdeaRequest { IdeaId = ideaId.ToString() }, cancellationToken: ct).ResponseAsync,
            $"No idea has id {ideaId}.", $"idea {ideaId}");
        var learnt = new KnownIdea(ideaId, Guid.Parse(idea.CycleId), idea.AuthorMemberId, idea.Title);
        return await dataSource.InTransactionAsync(async (_, tx) =>
        {
            await LearnAsync(tx, learnt);
            return learnt;
        }, ct);
    }

    /// <summary>Records an idea (and its five elements, at zero); learning it twice changes nothing.</summary>
    public static async Task LearnAsync(NpgsqlTransaction tx, KnownIdea idea)
    {
        await tx.Connection!.ExecuteAsync(
            """
            INSERT INTO ideas (idea_id, cycle_id, author_member_id, title) VALUES (@IdeaId, @CycleId, @AuthorMemberId, @Title) ON CONFLICT DO NOTHING;
            INSERT INTO idea_elements (idea_id, cycle_id) VALUES (@IdeaId, @CycleId) ON CONFLICT DO NOTHING;
            """, idea, tx);
    }
}
