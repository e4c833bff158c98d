namespace ConductorMesh.Community.Data;

/// <summary>One thing that happened: to an idea, or (a new follower) to a member.</summary>
public sealed record ActivityRow(Guid Id, Guid? IdeaId, Guid? CycleId, string Kind, string Summary, DateTime OccurredAt, string? MemberId = null);
