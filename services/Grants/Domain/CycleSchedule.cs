namespace ConductorMesh.Grants.Domain;

/// <summary>The moves a cycle makes through its phases, in the order they happen.</summary>
public enum CycleStep
{
    CloseSubmissions,
    OpenVoting,
    CloseVoting,
    Close,
}

/// <summary>Where a cycle stands: its schedule and what has happened so far.</summary>
public sealed record CycleTimes(
    DateTime SubmissionsCloseAt, DateTime VotingOpensAt, DateTime ClosesAt,
    DateTime? SubmissionsClosedAt, DateTime? VotingOpenedAt, DateTime? VotingClosedAt, DateTime? ClosedAt)
{
    public bool AcceptingSubmissions => SubmissionsClosedAt is null && ClosedAt is null;

    public bool AcceptingVotes => VotingOpenedAt is not null && VotingClosedAt is null && ClosedAt is null;
}

/// <summary>
/// A cycle's two windows, submissions and the vote, and the phase they make. The schedule says
/// when each step is due; what has happened is recorded once per step, so a step is never made
/// twice, however often the scheduler looks or however late it comes back.
/// </summary>
public static class CycleSchedule
{
    public enum Phase { Submissions, SubmissionsAndVoting, Review, Voting, Counting, Closed }

    public static Phase PhaseOf(CycleTimes t) => t switch
    {
        { ClosedAt: not null } => Phase.Closed,
        { VotingClosedAt: not null } => Phase.Counting,
        { AcceptingSubmissions: true, AcceptingVotes: true } => Phase.SubmissionsAndVoting,
        { AcceptingSubmissions: true } => Phase.Submissions,
        { AcceptingVotes: true } => Phase.Voting,
        _ => Phase.Review,
    };

    /// <summary>The steps due at <paramref name="now"/>, in the order of their scheduled times.</summary>
    public static IReadOnlyList<CycleStep> DueSteps(CycleTimes t, DateTime now)
    {
        if (t.ClosedAt is not null)
        {
            return [];
        }
        var due = new List<(DateTime At, CycleStep Step)>();
        if (t.SubmissionsClosedAt is null && t.SubmissionsCloseAt <= now)
        {
            due.Add((t.SubmissionsCloseAt, CycleStep.CloseSubmissions));
        }
        if (t.VotingOpenedAt is null && t.VotingClosedAt is null && t.VotingOpensAt <= now)
        {
            due.Add((t.VotingOpensAt, CycleStep.OpenVoting));
        }
        if (t.ClosesAt <= now)
        {
            due.Add((t.ClosesAt, CycleStep.Close));
        }
        return due.OrderBy(d => d.At).ThenBy(d => d.Step).Select(d => d.Step).ToList();
    }

    /// <summary>Why a window's times cannot be, or null when they can.</summary>
    public static (string Field, string Problem)? Invalid(DateTime submissionsCloseAt, DateTime votingOpensAt, DateTime closesAt)
    {
        if (submissionsCloseAt > closesAt)
        {
            return ("submissions_close_at", "must be no later than closes_at: submissions cannot outlive the vote");
        }
        if (votingOpensAt >= closesAt)
        {
            return ("voting_opens_at", "must be before closes_at");
        }
        return null;
    }
}
