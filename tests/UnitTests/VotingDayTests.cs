using ConductorMesh.Voting.Domain;

namespace ConductorMesh.UnitTests;

public sealed class VotingDayTests
{
    private static readonly TimeZoneInfo Chicago = VotingDay.Zone("America/Chicago");

    [Fact]
    public void The_day_is_the_programs_local_date()
    {
        // 03:00 UTC on the 8th is still the evening of the 7th in Chicago.
        var utc = new DateTime(2026, 3, 8, 3, 0, 0, DateTimeKind.Utc);

        Assert.Equal(new DateOnly(2026, 3, 7), VotingDay.Today(utc, Chicago));
        Assert.Equal(new DateTime(2026, 3, 8, 6, 0, 0, DateTimeKind.Utc), VotingDay.ResetsAt(utc, Chicago));
    }

    [Fact]
    public void The_reset_after_a_clock_change_is_local_midnight_in_the_new_offset()
    {
        // Clocks go forward at 02:00 on 8 March 2026 in Chicago: the next midnight is at UTC-5.
        var utc = new DateTime(2026, 3, 8, 12, 0, 0, DateTimeKind.Utc);

        Assert.Equal(new DateTime(2026, 3, 9, 5, 0, 0, DateTimeKind.Utc), VotingDay.ResetsAt(utc, Chicago));
    }

    [Fact]
    public void Milestones_are_passed_once_each()
    {
        var rules = new VotingRules();

        Assert.Equal([100L], rules.Passed(99, 100));
        Assert.Equal([100L, 1_000L], rules.Passed(50, 1_200));
        Assert.Empty(rules.Passed(100, 150));
    }
}
