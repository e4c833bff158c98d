namespace ConductorMesh.Contracts;

/// <summary>An idea was kept out of the vote, with the reason shown to its author.</summary>
public sealed record IdeaRejected(Guid IdeaId, Guid CycleId, string ModeratorId, string Reason) : IntegrationEvent;
