namespace ConductorMesh.Contracts;

/// <summary>An idea was submitted to a cycle and waits for moderation.</summary>
public sealed record IdeaSubmitted(
    Guid IdeaId, Guid CycleId, Guid ProgramId, string Title, string Category, string Tier, string AuthorMemberId)
    : IntegrationEvent;
