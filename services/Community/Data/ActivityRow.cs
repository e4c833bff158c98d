namespace ConductorMesh.Community.Data;

public sealed record ActivityRow(Guid Id, Guid IdeaId, Guid CycleId, string Kind, string Summary, DateTime OccurredAt);
