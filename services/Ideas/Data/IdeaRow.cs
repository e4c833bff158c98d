namespace ConductorMesh.Ideas.Data;

public sealed record IdeaRow(
    Guid Id, Guid CycleId, Guid ProgramId, string Title, string Description, string Category, string Tier,
    string AuthorMemberId, string Status, string RejectionReason, DateTime CreatedAt, DateTime UpdatedAt);

/// <summary>A validated submission.</summary>
public sealed record NewIdea(
    Guid CycleId, Guid ProgramId, int SubmissionCap, string Title, string Description, string Category, string Tier,
    string AuthorMemberId, string? IdempotencyKey);
