namespace ConductorMesh.Contracts;

/// <summary>A cycle stopped taking submissions (on schedule, by an operator, or as its vote closed).</summary>
public sealed record SubmissionsClosed(Guid CycleId, Guid ProgramId) : IntegrationEvent;

/// <summary>
/// A cycle's vote opened: its approved ideas take votes until <see cref="ClosesAt"/>, a deadline
/// that no longer changes once the vote is open. Voting refuses later votes by its own clock, so
/// the deadline holds even while the close itself is late. Null in events published before the
/// deadline was carried.
/// </summary>
public sealed record VotingOpened(Guid CycleId, Guid ProgramId, DateTimeOffset? ClosesAt = null) : IntegrationEvent;

/// <summary>A cycle's vote closed: Voting takes no more votes for it and its counts are final.</summary>
public sealed record VotingClosed(Guid CycleId, Guid ProgramId) : IntegrationEvent;
