namespace ConductorMesh.Contracts;

/// <summary>An idea won a grant of <see cref="AmountMinor"/> in its tier when its cycle closed.</summary>
public sealed record GrantAwarded(
    Guid AwardId, Guid ProgramId, Guid CycleId, Guid IdeaId, string Tier, long AmountMinor, string Currency, int Rank, long Votes)
    : IntegrationEvent;
