namespace ConductorMesh.Grants.Data;

public sealed record ProgramRow(Guid Id, string Name, string Currency, long BudgetMinor, long AwardedMinor, DateTime CreatedAt,
    string TimeZone, int DailyVoteAllowance, bool HideStandings);

public sealed record CycleRow(
    Guid Id, Guid ProgramId, string Name, string Phase, string Tiers, int SubmissionCap, DateTime OpenedAt, DateTime? ClosedAt, DateTime ClosesAt);

public sealed record AwardRow(
    Guid Id, Guid ProgramId, Guid CycleId, Guid IdeaId, string Tier, long AmountMinor, int Rank, long Votes, DateTime AwardedAt);

public sealed record RankingRow(Guid IdeaId, string Tier, long Votes, int Rank, bool Awarded, string Outcome);

/// <summary>A validated program to create.</summary>
public sealed record NewProgram(string Name, string Currency, long BudgetMinor, string TimeZone, int DailyVoteAllowance, bool HideStandings);
