namespace ConductorMesh.Grants.Domain;

/// <summary>An idea's final count as Voting reports it.</summary>
public sealed record Tally(Guid IdeaId, string Tier, long Votes, DateTime LastVoteAt);
