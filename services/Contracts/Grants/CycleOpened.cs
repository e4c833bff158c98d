namespace ConductorMesh.Contracts;

/// <summary>A cycle opened for submissions and votes.</summary>
public sealed record CycleOpened(Guid CycleId, Guid ProgramId, string Name, IReadOnlyList<TierTerms> Tiers, int SubmissionCap)
    : IntegrationEvent;

/// <summary>A tier of a cycle: <see cref="Slots"/> grants of <see cref="AmountMinor"/> each.</summary>
public sealed record TierTerms(string Name, long AmountMinor, int Slots);
