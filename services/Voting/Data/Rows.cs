using Grpc.Core;

namespace ConductorMesh.Voting.Data;

/// <summary>An idea in the vote, with its cycle's state and its program's rules.</summary>
public sealed record BallotIdea(
    Guid IdeaId, Guid CycleId, string Tier, string Category, DateTime? WithdrawnAt, DateTime? ClosedAt, Guid ProgramId, string TimeZone,
    int DailyAllowance, bool HideStandings, DateTime? VotingOpenedAt);

public sealed record ProgramRules(Guid ProgramId, string TimeZone, int DailyAllowance, bool HideStandings);

public sealed record TallyRow(Guid IdeaId, string Tier, string Category, long Votes, DateTime LastVoteAt, bool Withdrawn);

/// <summary>A vote to record, its fields already checked.</summary>
public sealed record NewVote(string VoterId, Guid IdeaId, string Channel, string? IdempotencyKey);

/// <summary>What became of a vote: accepted (<see cref="Code"/> OK, possibly an earlier vote replayed by its key) or refused and why.</summary>
public sealed record VoteResult(StatusCode Code, string Message, Guid VoteId, DateTime CastAt, int VotesLeft, DateTime ResetsAt, bool Held = false)
{
    public static VoteResult Refused(StatusCode code, string message, int votesLeft = 0, DateTime resetsAt = default) =>
        new(code, message, Guid.Empty, default, votesLeft, resetsAt);

    public RpcException ToException() => new(new Status(Code, Message));
}
