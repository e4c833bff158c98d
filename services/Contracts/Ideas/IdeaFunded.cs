namespace ConductorMesh.Contracts;

/// <summary>An idea was marked funded after winning a grant.</summary>
public sealed record IdeaFunded(Guid IdeaId, Guid CycleId, Guid AwardId, long AmountMinor) : IntegrationEvent;
