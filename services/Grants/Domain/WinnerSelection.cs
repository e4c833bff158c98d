using ConductorMesh.Contracts;

namespace ConductorMesh.Grants.Domain;

/// <summary>
/// Picks a closing cycle's winners from the final tallies.
/// Order: more votes first; with equal votes, the idea whose last vote came earlier (it reached
/// the count first); then the smaller idea id, so the order never depends on chance.
/// Skipped: ideas withdrawn by their authors and ideas of a tier the cycle does not fund; they
/// are listed last, with rank 0 and the reason.
/// Budget guard: no award is made that would pass the program's remaining budget; its money
/// stays in the budget.
/// </summary>
public static class WinnerSelection
{
    public const string TopPerTierMethod = "top-per-tier";
    public const string GreedyBudgetMethod = "greedy-budget";

    /// <summary>In each tier (in the cycle's order), the top ideas fill the tier's slots; an empty slot stays empty.</summary>
    public static IReadOnlyList<Placement> TopPerTier(IReadOnlyList<TierTerms> tiers, IEnumerable<Tally> tallies, long remainingBudget)
    {
        var (eligible, skipped) = Skip(tiers, tallies);
        var placements = new List<Placement>();
        var byTier = eligible.ToLookup(t => t.Tier);
        foreach (var tier in tiers)
        {
            var rank = 0;
            foreach (var tally in Ranked(byTier[tier.Name]))
            {
                rank++;
                var (awarded, outcome) =
                    rank > tier.Slots ? (false, $"rank {rank} of tier {tier.Name}, which has {tier.Slots} slots")
                    : tier.AmountMinor > remainingBudget ? (false, $"rank {rank} of tier {tier.Name}, but the program's remaining budget could not pay the grant")
                    : (true, $"rank {rank} of tier {tier.Name}: won a grant");
                remainingBudget -= awarded ? tier.AmountMinor : 0;
                placements.Add(new Placement(tally.IdeaId, tier.Name, tally.Votes, rank, awarded, awarded ? tier.AmountMinor : 0, outcome));
            }
        }
        return [.. placements, .. skipped];
    }

    /// <summary>
    /// One pot for the cycle: every idea in vote order is funded at its tier's amount if that
    /// still fits in the pot (and the program's budget); the ones that do not fit are skipped
    /// and the next are still considered.
    /// </summary>
    public static IReadOnlyList<Placement> GreedyBudget(IReadOnlyList<TierTerms> tiers, IEnumerable<Tally> tallies, long pot, long remainingBudget)
    {
        var (eligible, skipped) = Skip(tiers, tallies);
        var placements = new List<Placement>();
        var amounts = tiers.ToDictionary(t => t.Name, t => t.AmountMinor);
        var left = Math.Min(pot, remainingBudget);
        var rank = 0;
        foreach (var tally in Ranked(eligible))
        {
            rank++;
            var amount = amounts[tally.Tier];
            var awarded = amount <= left;
            left -= awarded ? amount : 0;
            var outcome = awarded
                ? $"rank {rank} of the cycle: its {amount} fit in the pot, {left} left"
                : $"rank {rank} of the cycle: its {amount} did not fit in the {left} left in the pot";
            placements.Add(new Placement(tally.IdeaId, tally.Tier, tally.Votes, rank, awarded, awarded ? amount : 0, outcome));
        }
        return [.. placements, .. skipped];
    }

    /// <summary>The cycle's default pot for greedy selection: what its tiers would pay.</summary>
    public static long PotOf(IReadOnlyList<TierTerms> tiers) => tiers.Sum(t => t.AmountMinor * t.Slots);

    /// <summary>The leaderboards' order (see <see cref="StandingOrder"/>), so the board and the awards agree.</summary>
    private static IOrderedEnumerable<Tally> Ranked(IEnumerable<Tally> tallies) =>
        StandingOrder.Ranked(tallies, t => t.Votes, t => t.LastVoteAt, t => t.IdeaId);

    private static (List<Tally> Eligible, List<Placement> Skipped) Skip(IReadOnlyList<TierTerms> tiers, IEnumerable<Tally> tallies)
    {
        var funded = tiers.Select(t => t.Name).ToHashSet();
        var eligible = new List<Tally>();
        var skipped = new List<Placement>();
        foreach (var tally in Ranked(tallies))
        {
            var reason = tally.Withdrawn ? "withdrawn by its author: skipped"
                : !funded.Contains(tally.Tier) ? $"tier {tally.Tier} is not funded by this cycle: skipped"
                : null;
            if (reason is null)
            {
                eligible.Add(tally);
            }
            else
            {
                skipped.Add(new Placement(tally.IdeaId, tally.Tier, tally.Votes, 0, false, 0, reason));
            }
        }
        return (eligible, skipped);
    }
}
