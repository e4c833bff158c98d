namespace ConductorMesh.Contracts;

/// <summary>An idea was in the vote of a cycle that closed without funding it.</summary>
public sealed record IdeaNotFunded(Guid IdeaId, Guid CycleId) : IntegrationEvent;
