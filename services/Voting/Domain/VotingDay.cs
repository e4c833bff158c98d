namespace ConductorMesh.Voting.Domain;

/// <summary>A program's voting day: midnight to midnight in the program's time zone.</summary>
public static class VotingDay
{
    public static DateOnly Today(DateTime utcNow, TimeZoneInfo zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(utcNow, zone));

    /// <summary>The next local midnight, in UTC. Where a clock change skips midnight, the first valid local time after it.</summary>
    public static DateTime ResetsAt(DateTime utcNow, TimeZoneInfo zone)
    {
        var midnight = TimeZoneInfo.ConvertTimeFromUtc(utcNow, zone).Date.AddDays(1);
        while (zone.IsInvalidTime(midnight))
        {
            midnight = midnight.AddMinutes(30);
        }
        return TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(midnight, DateTimeKind.Unspecified), zone);
    }

    public static TimeZoneInfo Zone(string id) => TimeZoneInfo.FindSystemTimeZoneById(id);
}
