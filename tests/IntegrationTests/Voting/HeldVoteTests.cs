using ConductorMesh.Community.V1;
using ConductorMesh.Grants.V1;
using ConductorMesh.Ideas.V1;
using ConductorMesh.Voting.V1;
using Grpc.Core;

namespace ConductorMesh.IntegrationTests.Voting;

/// <summary>Vote integrity: a voter's votes beyond the velocity threshold are held; operators accept or void them.</summary>
[Collection(MeshCollection.Name)]
public sealed class HeldVoteTests(MeshFixture mesh)
{
    private readonly Scenario scenario = new(mesh);

    [Fact]
    public async Task Votes_beyond_the_velocity_threshold_are_held_until_an_operator_accepts_or_voids_them()
    {
        // A generous allowance, so only the velocity threshold (20 votes a minute) stands in the way.
        var (_, cycle) = await scenario.OpenCycleAsync(
            new CreateProgramRequest { Name = "Scripted votes", BudgetMinor = 1_000_000, DailyVoteAllowance = 100 }, 0, Scenario.FiveK);
        var ideas = new List<Idea>();
        for (var i = 0; i < 25; i++)
        {
            ideas.Add(await scenario.ApprovedAsync(cycle, $"Popular idea {i}", "5k", $"author-{i}"));
        }
        var script = await mesh.NewMemberAsync("script");

        var casts = new List<CastVoteResponse>();
        foreach (var idea in ideas)
        {
            // The script's partner waits when the member's limit (20 a second) says so: all 25 votes still fall within the minute.
            casts.Add(await Scenario.PacedAsync(() => mesh.Partner.Voting.CastVoteAsync(new CastVoteRequest { VoterId = script, IdeaId = idea.Id, Channel = VoteChannel.Web }).ResponseAsync));
        }

        Assert.Equal(Enumerable.Repeat(false, 20).Concat(Enumerable.Repeat(true, 5)), casts.Select(c => c.Held));
        var counted = ideas.Take(20).Select(i => i.Id).ToHashSet();
        await BoardAsync(cycle, counted, "the 20 counted votes on the board, none of the held ones");
        var listed = await mesh.Voting.ListHeldVotesAsync(new ListHeldVotesRequest { CycleId = cycle.Id });
        Assert.Equal(casts.Skip(20).Select(c => c.VoteId), listed.Votes.Select(v => v.VoteId));
        Assert.All(listed.Votes, v => Assert.Equal((script, cycle.Id), (v.VoterId, v.CycleId)));
        await Refused.With(() => mesh.Partner.Voting.ListHeldVotesAsync(new ListHeldVotesRequest { CycleId = cycle.Id }).ResponseAsync, StatusCode.PermissionDenied, "operator");

        var (accept, @void, later) = (listed.Votes.Take(2).Select(v => v.VoteId).ToList(), listed.Votes.Skip(2).Take(2).Select(v => v.VoteId).ToList(), listed.Votes[4].VoteId);
        var accepted = await mesh.Voting.ReviewHeldVotesAsync(new ReviewHeldVotesRequest { VoteIds = { accept }, Decision = VoteReview.Accept, Reason = "a real fan" });
        var voided = await mesh.Voting.ReviewHeldVotesAsync(new ReviewHeldVotesRequest { VoteIds = { @void }, Decision = VoteReview.Void, Reason = "scripted" });
        Assert.Equal((2, 2), (accepted.Reviewed, voided.Reviewed));
        var again = await mesh.Voting.ReviewHeldVotesAsync(new ReviewHeldVotesRequest { VoteIds = { @void }, Decision = VoteReview.Accept });
        Assert.Equal(0, again.Reviewed);
        Assert.Equal(@void.Order(), again.UnchangedVoteIds.Order());

        counted.UnionWith(ideas.Skip(20).Take(2).Select(i => i.Id));
        await BoardAsync(cycle, counted, "the accepted votes on the board and the voided ones not");
        await mesh.Voting.RebuildLeaderboardsAsync(new RebuildLeaderboardsRequest { CycleId = cycle.Id });
        await BoardAsync(cycle, counted, "the same board after a rebuild from the vote log");
        await Eventually.Get(() => mesh.Community.GetIdeaElementsAsync(new GetIdeaElementsRequest { IdeaId = ideas[20].Id }).ResponseAsync,
            e => e.Action == 1, "the accepted vote in the idea's elements");
        Assert.Equal(0, (await mesh.Community.GetIdeaElementsAsync(new GetIdeaElementsRequest { IdeaId = ideas[22].Id })).Action);
        Assert.Equal([later], (await mesh.Voting.ListHeldVotesAsync(new ListHeldVotesRequest { CycleId = cycle.Id })).Votes.Select(v => v.VoteId));

        var final = await mesh.Voting.FinalizeCycleAsync(new FinalizeCycleRequest { CycleId = cycle.Id });
        Assert.Equal(counted.Order(), final.Tallies.Select(t => t.IdeaId).Order());
        Assert.All(final.Tallies, t => Assert.Equal(1, t.Votes));
        await Refused.With(() => mesh.Voting.ReviewHeldVotesAsync(new ReviewHeldVotesRequest { VoteIds = { later }, Decision = VoteReview.Accept }).ResponseAsync,
            StatusCode.FailedPrecondition, "closed");
        Assert.Equal(1, (await mesh.Voting.ReviewHeldVotesAsync(new ReviewHeldVotesRequest { VoteIds = { later }, Decision = VoteReview.Void })).Reviewed);
        Assert.Empty((await mesh.Voting.ListHeldVotesAsync(new ListHeldVotesRequest { CycleId = cycle.Id })).Votes);
    }

    /// <summary>Waits for the cycle's board to hold exactly these ideas, one vote each.</summary>
    private Task<Leaderboard> BoardAsync(Cycle cycle, IReadOnlySet<string> ideas, string what) =>
        Eventually.Get(() => mesh.Voting.GetLeaderboardAsync(new GetLeaderboardRequest { CycleId = cycle.Id, Top = 100 }).ResponseAsync,
            b => b.Entries.Select(e => e.IdeaId).ToHashSet().SetEquals(ideas) && b.Entries.All(e => e.Votes == 1), what);
}
