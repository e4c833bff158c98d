using ConductorMesh.Contracts;
using ConductorMesh.ServiceDefaults.Grpc;
using Google.Protobuf.Collections;

namespace ConductorMesh.Grants.Grpc;

/// <summary>What a cycle's tiers must be: named uniquely, paying something, with sensible slot counts.</summary>
public static class TierRules
{
    public static IReadOnlyList<TierTerms> Validate(RepeatedField<V1.Tier> tiers, string field = "tiers")
    {
        if (tiers.Count > 20)
        {
            throw Check.Invalid(field, "at most 20 tiers");
        }
        var result = new List<TierTerms>();
        foreach (var (tier, i) in tiers.Select((t, i) => (t, i)))
        {
            var name = Check.Text(tier.Name, $"{field}[{i}].name", 20).ToLowerInvariant();
            if (!name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                throw Check.Invalid($"{field}[{i}].name", "may hold only letters, digits and '-'");
            }
            if (result.Any(t => t.Name == name))
            {
                throw Check.Invalid($"{field}[{i}].name", $"'{name}' is used by another tier");
            }
            if (tier.AmountMinor <= 0)
            {
                throw Check.Invalid($"{field}[{i}].amount_minor", "must be greater than zero");
            }
            if (tier.Slots is < 1 or > 1000)
            {
                throw Check.Invalid($"{field}[{i}].slots", "must be between 1 and 1,000");
            }
            result.Add(new TierTerms(name, tier.AmountMinor, tier.Slots));
        }
        return result;
    }
}
