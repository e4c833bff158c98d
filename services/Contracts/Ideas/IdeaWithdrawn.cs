namespace ConductorMesh.Contracts;

/// <summary>
/// The author took an idea back before its vote closed. It takes no more votes and cannot win;
/// <see cref="FormerStatus"/> is the status it left (submitted, queued or approved).
/// </summary>
public sealed record IdeaWithdrawn(Guid IdeaId, Guid CycleId, Guid ProgramId, string MemberId, string Reason, string FormerStatus)
    : IntegrationEvent;
