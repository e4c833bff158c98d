using ConductorMesh.Grants.Domain;

namespace ConductorMesh.UnitTests;

public sealed class CycleScheduleTests
{
    private static readonly DateTime Start = new(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc);

    // Submissions for 10 days; the vote from day 5 to day 30.
    private static CycleTimes Planned(DateTime? submissionsClosed = null, DateTime? votingOpened = null, DateTime? votingClosed = null, DateTime? closed = null) =>
        new(Start.AddDays(10), Start.AddDays(5), Start.AddDays(30), submissionsClosed, votingOpened, votingClosed, closed);

    [Fact]
    public void The_phase_follows_what_has_happened()
    {
        Assert.Equal(CycleSchedule.Phase.Submissions, CycleSchedule.PhaseOf(Planned()));
        Assert.Equal(CycleSchedule.Phase.SubmissionsAndVoting, CycleSchedule.PhaseOf(Planned(votingOpened: Start.AddDays(5))));
        Assert.Equal(CycleSchedule.Phase.Voting, CycleSchedule.PhaseOf(Planned(Start.AddDays(10), Start.AddDays(5))));
        Assert.Equal(CycleSchedule.Phase.Review, CycleSchedule.PhaseOf(Planned(submissionsClosed: Start.AddDays(3))));
        Assert.Equal(CycleSchedule.Phase.Counting, CycleSchedule.PhaseOf(Planned(Start.AddDays(10), Start.AddDays(5), Start.AddDays(30))));
        Assert.Equal(CycleSchedule.Phase.Closed, CycleSchedule.PhaseOf(Planned(Start.AddDays(10), Start.AddDays(5), Start.AddDays(30), Start.AddDays(30))));
    }

    [Fact]
    public void Only_the_votes_window_takes_votes_and_only_the_submission_window_takes_ideas()
    {
        Assert.False(Planned().AcceptingVotes);
        Assert.True(Planned().AcceptingSubmissions);
        Assert.True(Planned(votingOpened: Start).AcceptingVotes);
        Assert.False(Planned(Start, Start, Start).AcceptingVotes);
        Assert.False(Planned(submissionsClosed: Start).AcceptingSubmissions);
    }

    [Fact]
    public void Nothing_is_due_before_its_time()
    {
        Assert.Empty(CycleSchedule.DueSteps(Planned(), Start.AddDays(4)));
        Assert.Equal([CycleStep.OpenVoting], CycleSchedule.DueSteps(Planned(), Start.AddDays(5)));
    }

    [Fact]
    public void After_a_long_stop_every_missed_step_is_due_once_in_the_order_of_the_schedule()
    {
        Assert.Equal([CycleStep.OpenVoting, CycleStep.CloseSubmissions, CycleStep.Close], CycleSchedule.DueSteps(Planned(), Start.AddDays(40)));
        var sequential = Planned() with { SubmissionsCloseAt = Start.AddDays(3) };
        Assert.Equal([CycleStep.CloseSubmissions, CycleStep.OpenVoting, CycleStep.Close], CycleSchedule.DueSteps(sequential, Start.AddDays(40)));
        Assert.Equal([CycleStep.Close], CycleSchedule.DueSteps(Planned(Start.AddDays(10), Start.AddDays(5)), Start.AddDays(40)));
    }

    [Fact]
    public void A_step_made_is_not_due_again_and_a_closed_cycle_has_none()
    {
        Assert.Empty(CycleSchedule.DueSteps(Planned(Start.AddDays(10), Start.AddDays(5)), Start.AddDays(20)));
        Assert.Empty(CycleSchedule.DueSteps(Planned(closed: Start.AddDays(30)), Start.AddDays(40)));
        // An operator closed the vote early: the vote does not open again on schedule.
        Assert.DoesNotContain(CycleStep.OpenVoting, CycleSchedule.DueSteps(Planned(votingClosed: Start.AddDays(2)), Start.AddDays(6)));
    }

    [Fact]
    public void Windows_that_cannot_be_are_named()
    {
        Assert.Null(CycleSchedule.Invalid(Start.AddDays(10), Start.AddDays(5), Start.AddDays(30)));
        Assert.Equal("submissions_close_at", CycleSchedule.Invalid(Start.AddDays(31), Start, Start.AddDays(30))?.Field);
        Assert.Equal("voting_opens_at", CycleSchedule.Invalid(Start, Start.AddDays(30), Start.AddDays(30))?.Field);
    }
}

public sealed class MonthlyCyclesTests
{
    private static readonly DateTime Jan1 = new(2027, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void The_next_cycle_runs_to_the_start_of_the_next_month_with_the_same_windows()
    {
        // Submissions for a week, the vote from day 7 to the end of January.
        var next = MonthlyCycles.Next(Jan1, Jan1.AddDays(7), Jan1.AddDays(7), Jan1.AddMonths(1), now: Jan1.AddMonths(1).AddSeconds(1));

        Assert.Equal("2027-02", next.Name);
        Assert.Equal(new DateTime(2027, 3, 1, 0, 0, 0, DateTimeKind.Utc), next.ClosesAt);
        Assert.Equal(Jan1.AddMonths(1).AddDays(7).AddSeconds(1), next.SubmissionsCloseAt);
        Assert.Equal(next.SubmissionsCloseAt, next.VotingOpensAt);
    }

    [Fact]
    public void Windows_that_ran_to_the_close_still_do_and_a_vote_open_from_the_start_still_is()
    {
        var closedAt = Jan1.AddMonths(1).AddMinutes(2);
        var next = MonthlyCycles.Next(Jan1, Jan1.AddMonths(1), Jan1, Jan1.AddMonths(1), closedAt);

        Assert.Equal(next.ClosesAt, next.SubmissionsCloseAt);
        Assert.Equal(closedAt, next.VotingOpensAt);
    }
}
