using Grpc.Core;

namespace ConductorMesh.Voting.Data;

/// <summary>
/// An idea in the vote, with its cycle's state and its program's rules. <see cref="ClosesAt"/> is
/// the vote's deadline, <see cref="ClosedAt"/> when the close was recorded (at the deadline or
/// before it, when an operator closed early).
/// </summary>
public sealed record BallotIdea(
    Guid IdeaId, Guid CycleId, string Tier, string Category, DateTime? WithdrawnAt, DateTime? ClosedAt, Guid ProgramId, string TimeZone,
    int DailyAllowance, bool HideStandings, DateTime? VotingOpenedAt, DateTime? ClosesAt)
{
    /// <summary>Whether the vote has closed at <paramref name="now"/>, by the record or by the clock; answers when.</summary>
    public bool ClosedBy(DateTime now, out DateTime closedAt)
    {
        closedAt = ClosedAt ?? ClosesAt ?? default;
        return ClosedAt is not null || (ClosesAt is { } deadline && now >= deadline);
    }
}

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

/// <summary>The review states of a vote (column <c>votes.review</c>).</summary>
public static class VoteReviews
{
    public const string None = "none";
    public const string Held = "held";
    public const string Accepted = "accepted";
    public const string Voided = "voided";

    /// <summary>The votes that count (of a query's <c>votes v</c>): those never held, and those accepted.</summary>
    public const string CountedSql = "v.review IN ('none', 'accepted')";
}

public sealed record HeldVoteRow(Guid Id, string VoterId, Guid IdeaId, Guid CycleId, string Channel, DateTime CastAt);
