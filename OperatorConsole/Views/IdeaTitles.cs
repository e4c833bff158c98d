using System.Collections.Concurrent;
using ConductorMesh.Ideas.V1;

namespace ConductorMesh.OperatorConsole.Views;

/// <summary>Ideas' titles for the leaderboard, asked of Ideas once each.</summary>
public sealed class IdeaTitles(IdeasApi.IdeasApiClient ideas)
{
    private readonly ConcurrentDictionary<string, string> titles = new();

    public async Task<string> OfAsync(string ideaId, CancellationToken ct)
    {
        if (!titles.TryGetValue(ideaId, out var title))
        {
            title = (await ideas.GetIdeaAsync(new GetIdeaRequest { IdeaId = ideaId }, cancellationToken: ct)).Title;
            titles[ideaId] = title;
        }
        return title;
    }
}
