using ConductorMesh.Grants.V1;
using ConductorMesh.Ideas.V1;
using ConductorMesh.Voting.V1;

namespace ConductorMesh.IntegrationTests.Grants;

/// <summary>Closing a cycle on real tallies: both selection methods, ties, skipped ideas, empty slots and the budget at its edge.</summary>
[Collection(MeshCollection.Name)]
public sealed class SelectionTests(MeshFixture mesh)
{
    private readonly Scenario scenario = new(mesh);

    private static readonly Tier Small = new() { Name = "small", AmountMinor = 100_00, Slots = 1 };
    private static readonly Tier Big = new() { Name = "big", AmountMinor = 1_000_00, Slots = 1 };

    [Fact]
    public async Task Greedy_budget_funds_ideas_by_votes_while_they_fit_in_the_pot_and_skips_withdrawn_ones()
    {
        var program = await mesh.Grants.CreateProgramAsync(new CreateProgramRequest { Name = "One pot", BudgetMinor = 10_000_00 });
        var request = new OpenCycleRequest { ProgramId = program.Id, Name = "pot", Selection = SelectionMethod.GreedyBudget, PotMinor = 1_150_00 };
        request.Tiers.AddRange([Small, Big]);
        var cycle = await mesh.Grants.OpenCycleAsync(request);
        var bigFirst = await scenario.ApprovedAsync(cycle, "Big first", "big", "author-g1");
        var bigSecond = await scenario.ApprovedAsync(cycle, "Big second", "big", "author-g2");
        var smallOne = await scenario.ApprovedAsync(cycle, "Small one", "small", "author-g3");
        var smallTwo = await scenario.ApprovedAsync(cycle, "Small two", "small", "author-g4");
        var withdrawn = await scenario.ApprovedAsync(cycle, "Withdrawn", "small", "author-g5");
        await scenario.VoteAsync(withdrawn, 5);
        await scenario.VoteAsync(bigFirst, 4);
        await scenario.VoteAsync(bigSecond, 3);
        await scenario.VoteAsync(smallOne, 2);
        await scenario.VoteAsync(smallTwo, 1);
        await mesh.Ideas.WithdrawIdeaAsync(new WithdrawIdeaRequest { IdeaId = withdrawn.Id, MemberId = "author-g5", Reason = "moved away" }, mesh.AsMember("author-g5"));
        // Voting learns the withdrawal from the bus: the idea leaves the board.
        await scenario.BoardAsync(new GetLeaderboardRequest { CycleId = cycle.Id }, (bigFirst.Id, 4), (bigSecond.Id, 3), (smallOne.Id, 2), (smallTwo.Id, 1));

        var results = await mesh.Grants.CloseCycleAsync(new CloseCycleRequest { CycleId = cycle.Id });

        Assert.Equal([bigFirst.Id, smallOne.Id], results.Awards.Select(a => a.IdeaId));
        Assert.Equal(
            [(bigFirst.Id, 1, true), (bigSecond.Id, 2, false), (smallOne.Id, 3, true), (smallTwo.Id, 4, false), (withdrawn.Id, 0, false)],
            results.Ranking.Select(r => (r.IdeaId, r.Rank, r.Awarded)));
        Assert.Contains("did not fit", results.Ranking[1].Outcome);
        Assert.Contains("withdrawn", results.Ranking[4].Outcome);
        // Every view agrees on a withdrawn idea: its counted votes stand, with no rank.
        Assert.Equal(5, results.Ranking[4].Votes);
        var standing = await mesh.Voting.GetIdeaStandingAsync(new GetIdeaStandingRequest { IdeaId = withdrawn.Id });
        Assert.Equal((5L, 0, true), (standing.Votes, standing.Rank, standing.Withdrawn));
        Assert.Equal(SelectionMethod.GreedyBudget, results.Cycle.Selection);
        var ledger = await mesh.Grants.GetProgramAsync(new GetProgramRequest { ProgramId = program.Id });
        Assert.Equal((1_100_00L, 8_900_00L), (ledger.AwardedMinor, ledger.RemainingMinor));
    }

    [Fact]
    public async Task Top_per_tier_breaks_ties_by_who_got_there_first_leaves_empty_slots_and_stops_at_the_budgets_edge()
    {
        // The budget pays exactly two 300s and one 50: the third 300 would pass it.
        var (program, cycle) = await scenario.OpenCycleAsync(650_00,
            new Tier { Name = "three", AmountMinor = 300_00, Slots = 3 }, new Tier { Name = "two", AmountMinor = 50_00, Slots = 2 });
        var leader = await scenario.ApprovedAsync(cycle, "Leader", "three", "author-t1");
        var earlier = await scenario.ApprovedAsync(cycle, "Earlier", "three", "author-t2");
        var later = await scenario.ApprovedAsync(cycle, "Later", "three", "author-t3");
        var alone = await scenario.ApprovedAsync(cycle, "Alone", "two", "author-t4");
        await scenario.VoteAsync(leader, 3);
        await scenario.VoteAsync(earlier, 1); // reaches one vote first
        await scenario.VoteAsync(later, 1);
        await scenario.VoteAsync(alone, 1);

        var results = await mesh.Grants.CloseCycleAsync(new CloseCycleRequest { CycleId = cycle.Id });

        Assert.Equal([leader.Id, earlier.Id, alone.Id], results.Awards.Select(a => a.IdeaId));
        var third = results.Ranking.Single(r => r.IdeaId == later.Id);
        Assert.Equal((3, false), (third.Rank, third.Awarded));
        Assert.Contains("remaining budget", third.Outcome);
        Assert.Single(results.Awards, a => a.Tier == "two"); // its second slot stays empty
        var ledger = await mesh.Grants.GetProgramAsync(new GetProgramRequest { ProgramId = program.Id });
        Assert.Equal((650_00L, 0L), (ledger.AwardedMinor, ledger.RemainingMinor));
    }
}
