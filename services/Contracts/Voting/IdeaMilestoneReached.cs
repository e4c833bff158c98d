namespace ConductorMesh.Contracts;

/// <summary>An idea's vote count reached <see cref="Milestone"/> (100, 1,000, 10,000 by default); <see cref="Votes"/> is its count then.</summary>
public sealed record IdeaMilestoneReached(Guid IdeaId, Guid CycleId, long Milestone, long Votes) : IntegrationEvent;
