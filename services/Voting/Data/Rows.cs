namespace ConductorMesh.Voting.Data;

public sealed record BallotIdea(Guid IdeaId, Guid CycleId, string Tier, string Category);

public sealed record VoteRow(Guid Id, Guid IdeaId, DateTime CastAt);

public sealed record TallyRow(Guid IdeaId, string Tier, string Category, long Votes, DateTime LastVoteAt);

/// <summary>A vote to record, already validated.</summary>
public sealed record NewVote(string VoterId, BallotIdea Idea, string Channel, string? IdempotencyKey);

/// <summary>A recorded vote and what the voter has left today.</summary>
public sealed record CastResult(VoteRow Vote, int VotesLeft, bool Replayed);
