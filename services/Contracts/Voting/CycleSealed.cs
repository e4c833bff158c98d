namespace ConductorMesh.Contracts;

/// <summary>
/// A cycle's vote closed and its votes were sealed (docs/verification.md): <see cref="Root"/>
/// (SHA-256, lowercase hex) commits to its <see cref="LeafCount"/> leaves, the votes counted and
/// those removed from the count; <see cref="Totals"/> are each idea's counted votes, the counts
/// the awards are made from. Published once per cycle.
/// </summary>
public sealed record CycleSealed(Guid CycleId, string Root, long LeafCount, long CountedVotes, long RemovedVotes, string Algorithm, IReadOnlyList<SealedTotal> Totals)
    : IntegrationEvent;

/// <summary>An idea's counted votes in a sealed cycle.</summary>
public sealed record SealedTotal(Guid IdeaId, long Votes);
