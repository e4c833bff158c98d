namespace ConductorMesh.Grants.Domain;

/// <summary>An idea's final count as Voting reports it; a withdrawn idea is counted but cannot win.</summary>
public sealed record Tally(Guid IdeaId, string Tier, long Votes, DateTime LastVoteAt, bool Withdrawn = false);
