using ConductorMesh.Contracts;

namespace ConductorMesh.Grants.Domain;

/// <summary>
/// Top-per-tier selection: in each tier, ideas ranked by votes fill the tier's slots.
/// Ties: more votes first; with equal votes, the idea whose last vote came earlier (it reached
/// the count first); then the smaller idea id, so the order never depends on chance.
/// Budget guard: tiers are funded in the cycle's order, and an award that would exceed the
/// remaining budget is not made; its slot stays empty and its money stays in the budget.
/// </summary>
public static class WinnerSelection
{
    public static IReadOnlyList<Placement> TopPerTier(IReadOnlyList<TierTerms> tiers, IEnumerable<Tally> tallies, long remainingBudget)
    {
        var byTier = tallies.ToLookup(t => t.Tier);
        var placements = new List<Placement>();
        foreach (var tier in tiers)
        {
            var ranked = byTier[tier.Name]
                .OrderByDescending(t => t.Votes)
                .ThenBy(t => t.LastVoteAt)
                .ThenBy(t => t.IdeaId);
            var rank = 0;
            foreach (var tally in ranked)
            {
                rank++;
                var (awarded, outcome) = Decide(tier, rank, remainingBudget);
                if (awarded)
                {
                    remainingBudget -= tier.AmountMinor;
                }
                placements.Add(new Placement(tally.IdeaId, tier.Name, tally.Votes, rank, awarded, awarded ? tier.AmountMinor : 0, outcome));
            }
        }
        return placements;
    }

    private static (bool Awarded, string Outcome) Decide(TierTerms tier, int rank, long remainingBudget) =>
        rank > tier.Slots
            ? (false, $"rank {rank} of tier {tier.Name}, which has {tier.Slots} slots")
            : tier.AmountMinor > remainingBudget
                ? (false, $"rank {rank} of tier {tier.Name}, but the program's remaining budget could not pay the grant")
                : (true, $"rank {rank} of tier {tier.Name}: won a grant");
}
