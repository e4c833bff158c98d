using ConductorMesh.Grants.V1;
using ConductorMesh.Ideas.V1;
using ConductorMesh.Voting.V1;

namespace ConductorMesh.IntegrationTests;

/// <summary>Builds programs, cycles, ideas and votes through the public APIs, as a partner would.</summary>
public sealed class Scenario(MeshFixture mesh)
{
    public async Task<(GrantProgram Program, Cycle Cycle)> OpenCycleAsync(long budgetMinor, params Tier[] tiers)
    {
        var program = await mesh.Grants.CreateProgramAsync(new CreateProgramRequest { Name = "Test program", Currency = "USD", BudgetMinor = budgetMinor });
        var request = new OpenCycleRequest { ProgramId = program.Id, Name = "2026-12" };
        request.Tiers.AddRange(tiers);
        return (program, await mesh.Grants.OpenCycleAsync(request));
    }

    public async Task<Idea> SubmitAsync(Cycle cycle, string title, string tier, string author, Category category = Category.ThePlanet) =>
        await mesh.Ideas.SubmitIdeaAsync(new SubmitIdeaRequest
        {
            CycleId = cycle.Id, Title = title, Description = $"About {title}", Category = category, Tier = tier, AuthorMemberId = author,
        });

    public async Task<Idea> ApprovedAsync(Cycle cycle, string title, string tier, string author, Category category = Category.ThePlanet)
    {
        var idea = await SubmitAsync(cycle, title, tier, author, category);
        return await mesh.Ideas.ApproveIdeaAsync(new ApproveIdeaRequest { IdeaId = idea.Id, ModeratorId = "moderator-1" });
    }

    /// <summary>Casts <paramref name="count"/> votes for the idea, each by a different voter.</summary>
    public async Task VoteAsync(Idea idea, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await mesh.Voting.CastVoteAsync(new CastVoteRequest { VoterId = $"voter-{Guid.NewGuid():N}", IdeaId = idea.Id, Channel = VoteChannel.Web });
        }
    }
}
