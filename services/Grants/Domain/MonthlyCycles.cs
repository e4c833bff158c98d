namespace ConductorMesh.Grants.Domain;

/// <summary>
/// The next cycle of a program that runs monthly: it opens as the last one closes and closes at
/// the start of the next calendar month (UTC), with the last one's windows at the same offsets
/// from its opening.
/// </summary>
public static class MonthlyCycles
{
    public sealed record Window(string Name, DateTime ClosesAt, DateTime SubmissionsCloseAt, DateTime VotingOpensAt);

    public static Window Next(DateTime lastOpenedAt, DateTime lastSubmissionsCloseAt, DateTime lastVotingOpensAt, DateTime lastClosesAt, DateTime now)
    {
        var closesAt = new DateTime(now.Year, now.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(1);
        var submissionsCloseAt = lastSubmissionsCloseAt >= lastClosesAt ? closesAt : Min(now + (lastSubmissionsCloseAt - lastOpenedAt), closesAt);
        var votingOpensAt = now + (lastVotingOpensAt - lastOpenedAt) is var opens && opens < closesAt ? opens : now;
        return new Window(now.ToString("yyyy-MM"), closesAt, submissionsCloseAt, Max(votingOpensAt, now));
    }

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;

    private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;
}
