namespace ConductorMesh.Voting.Domain;

/// <summary>The vote's settings (configuration section "Voting").</summary>
public sealed class VotingRules
{
    /// <summary>Votes each voter may cast a day; unused votes expire at midnight UTC.</summary>
    public int DailyAllowance { get; set; } = 10;

    public static DateOnly Today(DateTime utcNow) => DateOnly.FromDateTime(utcNow);

    public static DateTime ResetsAt(DateTime utcNow) => utcNow.Date.AddDays(1);
}
