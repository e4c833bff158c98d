namespace ConductorMesh.Contracts;

/// <summary>
/// Votes counted for ideas over a short window, published as one aggregate instead of one
/// message per vote. <see cref="Counts"/> holds each idea's new votes in the window.
/// </summary>
public sealed record VotesTallied(Guid CycleId, DateTimeOffset WindowStart, DateTimeOffset WindowEnd, IReadOnlyList<IdeaVoteCount> Counts)
    : IntegrationEvent;

/// <summary>
/// New votes for one idea within a <see cref="VotesTallied"/> window, its total after them, and
/// who cast them (each voter once), so consumers can count the people behind an idea.
/// </summary>
public sealed record IdeaVoteCount(Guid IdeaId, int NewVotes, long TotalVotes, IReadOnlyList<string>? Voters = null);
