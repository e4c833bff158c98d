namespace ConductorMesh.Contracts;

/// <summary>An idea entered the vote of its cycle.</summary>
public sealed record IdeaApproved(Guid IdeaId, Guid CycleId, string Category, string Tier, string ModeratorId) : IntegrationEvent;
