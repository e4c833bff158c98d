using ConductorMesh.Contracts;

namespace ConductorMesh.Grants.Domain;

/// <summary>The monthly grants of the 2010 Refresh program: 10 x $5K, 10 x $25K, 10 x $50K, 2 x $250K.</summary>
public static class DefaultTiers
{
    public const int SubmissionCap = 1000;

    public static IReadOnlyList<TierTerms> All { get; } =
    [
        new("5k", 5_000_00, 10),
        new("25k", 25_000_00, 10),
        new("50k", 50_000_00, 10),
        new("250k", 250_000_00, 2),
    ];
}
