namespace ConductorMesh.Grants.Domain;

/// <summary>Where an idea finished in its tier, whether it won, and why, in words.</summary>
public sealed record Placement(Guid IdeaId, string Tier, long Votes, int Rank, bool Awarded, long AmountMinor, string Outcome);
