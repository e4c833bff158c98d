namespace ConductorMesh.Contracts;

/// <summary>
/// A cycle closed and its winners were awarded. <see cref="FundedIdeaIds"/> won grants;
/// every other idea of the cycle did not.
/// </summary>
public sealed record CycleClosed(Guid CycleId, Guid ProgramId, IReadOnlyList<Guid> FundedIdeaIds, long AwardedMinor)
    : IntegrationEvent;
