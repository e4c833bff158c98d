namespace ConductorMesh.Contracts;

/// <summary>
/// Votes counted for ideas over a short window, published as aggregates instead of one message
/// per vote. <see cref="Counts"/> holds each idea's new votes in the window. A message carries at
/// most 1,000 voter ids: a busy window is split into several messages with the same window, and
/// one idea may appear in more than one of them, each piece with its own voters and new votes.
/// </summary>
public sealed record VotesTallied(Guid CycleId, DateTimeOffset WindowStart, DateTimeOffset WindowEnd, IReadOnlyList<IdeaVoteCount> Counts)
    : IntegrationEvent;

/// <summary>
/// New votes for one idea within a <see cref="VotesTallied"/> window, its total after them, and
/// who cast them (each voter once), so consumers can count the people behind an idea.
/// </summary>
public sealed record IdeaVoteCount(Guid IdeaId, int NewVotes, long TotalVotes, IReadOnlyList<string>? Voters = null);
