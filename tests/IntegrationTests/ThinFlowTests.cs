using ConductorMesh.Community.V1;
using ConductorMesh.Grants.V1;
using ConductorMesh.Ideas.V1;
using ConductorMesh.Voting.V1;
using Grpc.Core;

namespace ConductorMesh.IntegrationTests;

/// <summary>A cycle from opening to awards, across all four services.</summary>
[Collection(MeshCollection.Name)]
public sealed class ThinFlowTests(MeshFixture mesh)
{
    private readonly Scenario scenario = new(mesh);

    [Fact]
    public async Task Votes_decide_the_awards_and_the_winners_read_as_funded_everywhere()
    {
        var (program, cycle) = await scenario.OpenCycleAsync(1_000_000,
            new Tier { Name = "small", AmountMinor = 100_00, Slots = 2 }, new Tier { Name = "big", AmountMinor = 1_000_00, Slots = 1 });
        var author = $"author-{Guid.NewGuid():N}";
        var a = await scenario.ApprovedAsync(cycle, "Community garden", "small", author);
        var b = await scenario.ApprovedAsync(cycle, "Bike repair stand", "small", "author-b");
        var c = await scenario.ApprovedAsync(cycle, "Reading corner", "small", "author-c", Category.Education);
        var d = await scenario.ApprovedAsync(cycle, "Youth orchestra", "big", "author-d", Category.ArtsAndCulture);
        var e = await scenario.ApprovedAsync(cycle, "Warm meals", "big", "author-e", Category.FoodAndShelter);
        await scenario.VoteAsync(a, 3);
        await scenario.VoteAsync(b, 1);
        await scenario.VoteAsync(c, 2);
        await scenario.VoteAsync(d, 1);
        await scenario.VoteAsync(e, 2);

        var small = await scenario.BoardAsync(new GetLeaderboardRequest { CycleId = cycle.Id, Tier = "small" }, (a.Id, 3), (c.Id, 2), (b.Id, 1));
        Assert.Equal([1, 2, 3], small.Entries.Select(x => x.Rank));
        await scenario.BoardAsync(new GetLeaderboardRequest { CycleId = cycle.Id, Top = 1 }, (a.Id, 3));
        await scenario.BoardAsync(new GetLeaderboardRequest { CycleId = cycle.Id, Category = Category.Education }, (c.Id, 2));

        var results = await mesh.Grants.CloseCycleAsync(new CloseCycleRequest { CycleId = cycle.Id });

        Assert.Equal(CyclePhase.Closed, results.Cycle.Phase);
        Assert.Equal(new[] { a.Id, c.Id, e.Id }.Order(), results.Awards.Select(x => x.IdeaId).Order());
        Assert.Equal(5, results.Ranking.Count);
        Assert.Equal(1_200_00, (await mesh.Grants.GetProgramAsync(new GetProgramRequest { ProgramId = program.Id })).AwardedMinor);

        foreach (var (idea, status) in new[] { (a, IdeaStatus.Funded), (c, IdeaStatus.Funded), (e, IdeaStatus.Funded), (b, IdeaStatus.NotFunded), (d, IdeaStatus.NotFunded) })
        {
            await Eventually.Get(() => mesh.Ideas.GetIdeaAsync(new GetIdeaRequest { IdeaId = idea.Id }).ResponseAsync, i => i.Status == status, $"{idea.Title} to be {status}");
        }
        var feed = await Eventually.Get(() => mesh.Community.GetFeedAsync(new GetFeedRequest { MemberId = author }, mesh.AsMember(author)).ResponseAsync,
            f => f.Items.Any(i => i.Kind == ActivityKind.GrantAwarded), "the award in the author's feed");
        var award = feed.Items.First();
        Assert.Equal((ActivityKind.GrantAwarded, a.Id), (award.Kind, award.IdeaId));
        Assert.Equal("Won a small grant of 100.00 USD with 3 votes (rank 1)", award.Summary);
    }

    [Fact]
    public async Task Closing_again_awards_nothing_twice_and_the_closed_vote_refuses_votes()
    {
        var (program, cycle) = await scenario.OpenCycleAsync(1_000_000, new Tier { Name = "only", AmountMinor = 500_00, Slots = 1 });
        var idea = await scenario.ApprovedAsync(cycle, "Playground benches", "only", "author-x");
        await scenario.VoteAsync(idea, 2);

        var first = await mesh.Grants.CloseCycleAsync(new CloseCycleRequest { CycleId = cycle.Id });
        var second = await mesh.Grants.CloseCycleAsync(new CloseCycleRequest { CycleId = cycle.Id });

        Assert.Equal(first.Awards, second.Awards);
        Assert.Single((await mesh.Grants.ListAwardsAsync(new ListAwardsRequest { CycleId = cycle.Id })).Awards);
        Assert.Equal(500_00, (await mesh.Grants.GetProgramAsync(new GetProgramRequest { ProgramId = program.Id })).AwardedMinor);
        var late = await Assert.ThrowsAsync<RpcException>(() =>
            mesh.Voting.CastVoteAsync(new CastVoteRequest { VoterId = "late-voter", IdeaId = idea.Id, Channel = VoteChannel.Sms }, mesh.AsMember("late-voter")).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, late.StatusCode);
        Assert.Contains("closed", late.Status.Detail);
    }
}
