using ConductorMesh.Contracts;
using ConductorMesh.Grants.Domain;

namespace ConductorMesh.UnitTests;

public sealed class WinnerSelectionTests
{
    private static readonly DateTime Noon = new(2026, 11, 1, 12, 0, 0, DateTimeKind.Utc);
    private static readonly TierTerms Small = new("small", 100, 2);
    private static readonly TierTerms Big = new("big", 1000, 1);

    private static Tally T(int id, string tier, long votes, int minute = 0) =>
        new(new Guid(id, 0, 0, new byte[8]), tier, votes, Noon.AddMinutes(minute));

    private static Guid Id(int id) => new(id, 0, 0, new byte[8]);

    [Fact]
    public void Each_tier_funds_its_top_ideas_up_to_its_slots()
    {
        var placements = WinnerSelection.TopPerTier([Small, Big], [T(1, "small", 3), T(2, "small", 1), T(3, "small", 2), T(4, "big", 1), T(5, "big", 2)], 10_000);

        Assert.Equal([Id(1), Id(3), Id(5)], placements.Where(p => p.Awarded).Select(p => p.IdeaId));
        Assert.Equal(1200, placements.Sum(p => p.AmountMinor));
        var third = Assert.Single(placements, p => p.IdeaId == Id(2));
        Assert.Equal((3, false), (third.Rank, third.Awarded));
        Assert.Contains("2 slots", third.Outcome);
    }

    [Fact]
    public void Equal_votes_go_to_the_idea_that_reached_them_first()
    {
        var placements = WinnerSelection.TopPerTier([Big], [T(1, "big", 5, minute: 30), T(2, "big", 5, minute: 10)], 10_000);

        Assert.Equal(Id(2), placements.Single(p => p.Awarded).IdeaId);
    }

    [Fact]
    public void Equal_votes_at_the_same_time_fall_to_the_greater_id_as_on_the_leaderboards()
    {
        var placements = WinnerSelection.TopPerTier([Big], [T(4, "big", 5), T(9, "big", 5)], 10_000);

        Assert.Equal(Id(9), placements.Single(p => p.Awarded).IdeaId);
    }

    [Fact]
    public void An_award_that_would_pass_the_budget_is_not_made_and_its_slot_stays_empty()
    {
        var placements = WinnerSelection.TopPerTier([Small, Big], [T(1, "small", 3), T(2, "small", 2), T(3, "big", 9)], remainingBudget: 1050);

        Assert.Equal([Id(1), Id(2)], placements.Where(p => p.Awarded).Select(p => p.IdeaId));
        Assert.Contains("remaining budget", placements.Single(p => p.IdeaId == Id(3)).Outcome);
    }

    [Fact]
    public void The_budget_is_met_exactly_at_its_edge()
    {
        var placements = WinnerSelection.TopPerTier([Small, Big], [T(1, "small", 3), T(2, "small", 2), T(3, "big", 9)], remainingBudget: 1200);

        Assert.Equal(3, placements.Count(p => p.Awarded));
    }

    [Fact]
    public void A_tier_without_enough_ideas_leaves_slots_empty_and_skips_unknown_tiers()
    {
        var placements = WinnerSelection.TopPerTier([Small], [T(1, "small", 1), T(2, "retired", 50)], 10_000);

        Assert.Equal([Id(1)], placements.Where(p => p.Awarded).Select(p => p.IdeaId));
        Assert.Equal((0, false), placements.Where(p => p.IdeaId == Id(2)).Select(p => (p.Rank, p.Awarded)).Single());
    }
}

public sealed class GreedyBudgetTests
{
    private static readonly DateTime Noon = new(2026, 11, 1, 12, 0, 0, DateTimeKind.Utc);
    private static readonly TierTerms Small = new("small", 100, 1);
    private static readonly TierTerms Big = new("big", 1000, 1);

    private static Guid Id(int id) => new(id, 0, 0, new byte[8]);

    private static Tally T(int id, string tier, long votes, bool withdrawn = false) => new(Id(id), tier, votes, Noon, withdrawn);

    [Fact]
    public void Ideas_are_funded_by_votes_while_they_fit_and_the_next_are_still_considered()
    {
        var placements = WinnerSelection.GreedyBudget([Small, Big], [T(1, "big", 9), T(2, "big", 8), T(3, "small", 7), T(4, "small", 6)], pot: 1150, remainingBudget: 10_000);

        Assert.Equal([Id(1), Id(3)], placements.Where(p => p.Awarded).Select(p => p.IdeaId));
        Assert.Equal([1, 2, 3, 4], placements.Select(p => p.Rank));
        Assert.Contains("did not fit", placements.Single(p => p.IdeaId == Id(2)).Outcome);
        // Slots do not apply to one pot: a fourth small idea would be funded if the pot allowed it.
        Assert.Contains("did not fit in the 50 left", placements.Single(p => p.IdeaId == Id(4)).Outcome);
    }

    [Fact]
    public void The_programs_remaining_budget_caps_the_pot()
    {
        var placements = WinnerSelection.GreedyBudget([Small, Big], [T(1, "big", 9), T(2, "small", 8)], pot: 5000, remainingBudget: 100);

        Assert.Equal([Id(2)], placements.Where(p => p.Awarded).Select(p => p.IdeaId));
    }

    [Fact]
    public void Withdrawn_ideas_and_ideas_of_unfunded_tiers_are_skipped_and_listed_last()
    {
        var tallies = new[] { T(1, "small", 50, withdrawn: true), T(2, "gone", 40), T(3, "small", 1) };

        foreach (var placements in new[] { WinnerSelection.GreedyBudget([Small], tallies, 100, 100), WinnerSelection.TopPerTier([Small], tallies, 100) })
        {
            Assert.Equal([Id(3), Id(1), Id(2)], placements.Select(p => p.IdeaId));
            Assert.Equal((1, true), (placements[0].Rank, placements[0].Awarded));
            Assert.Equal((0, false), (placements[1].Rank, placements[1].Awarded));
            Assert.Contains("withdrawn", placements[1].Outcome);
            Assert.Contains("not funded by this cycle", placements[2].Outcome);
        }
    }

    [Fact]
    public void The_default_pot_is_what_the_tiers_would_pay() =>
        Assert.Equal(5 * 100 + 2 * 1000, WinnerSelection.PotOf([Small with { Slots = 5 }, Big with { Slots = 2 }]));
}
