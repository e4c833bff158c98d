using System.Text.Json;
using ConductorMesh.Contracts;
using ConductorMesh.Grants.Domain;

namespace ConductorMesh.Grants.Data;

// Rows with text[] columns have init properties: Dapper reads those arrays as Array, which a
// positional record's constructor cannot take.

public sealed class ProgramRow
{
    public Guid Id { get; init; }
    public string Name { get; init; } = "";
    public string Currency { get; init; } = "";
    public long BudgetMinor { get; init; }
    public long AwardedMinor { get; init; }
    public long DisbursedMinor { get; init; }
    public long ForfeitedMinor { get; init; }
    public DateTime CreatedAt { get; init; }
    public string TimeZone { get; init; } = "UTC";
    public int DailyVoteAllowance { get; init; }
    public bool HideStandings { get; init; }
    public string? DefaultTiers { get; init; }
    public string[] DefaultCategories { get; init; } = [];
    public bool RunMonthly { get; init; }
    public Guid? OpenCycleId { get; init; }

    /// <summary>What the budget can still award: forfeited awards gave their money back.</summary>
    public long RemainingMinor => BudgetMinor - AwardedMinor + ForfeitedMinor;

    public IReadOnlyList<TierTerms> TiersOfNewCycles => DefaultTiers is null ? Domain.DefaultTiers.All : JsonSerializer.Deserialize<List<TierTerms>>(DefaultTiers)!;
}

public sealed class CycleRow
{
    public Guid Id { get; init; }
    public Guid ProgramId { get; init; }
    public string Name { get; init; } = "";
    /// <summary>'open' until awarded, then 'closed'; the finer phase comes from <see cref="Times"/>.</summary>
    public string Phase { get; init; } = "open";
    public string Tiers { get; init; } = "[]";
    public int SubmissionCap { get; init; }
    public DateTime OpenedAt { get; init; }
    public DateTime? ClosedAt { get; init; }
    public DateTime ClosesAt { get; init; }
    public DateTime SubmissionsCloseAt { get; init; }
    public DateTime VotingOpensAt { get; init; }
    public DateTime? SubmissionsClosedAt { get; init; }
    public DateTime? VotingOpenedAt { get; init; }
    public DateTime? VotingClosedAt { get; init; }
    public string Selection { get; init; } = WinnerSelection.TopPerTierMethod;
    public string[] Categories { get; init; } = [];
    public long PotMinor { get; init; }

    /// <summary>Its program opens the next cycle by itself as this one closes.</summary>
    public bool ProgramRunsMonthly { get; init; }

    public IReadOnlyList<TierTerms> TierTerms => JsonSerializer.Deserialize<List<TierTerms>>(Tiers)!;

    /// <summary>The same terms for the next month, for programs that run monthly.</summary>
    public CycleTerms NextMonth(DateTime now)
    {
        var next = MonthlyCycles.Next(OpenedAt, SubmissionsCloseAt, VotingOpensAt, ClosesAt, now);
        return new CycleTerms(next.Name, TierTerms, SubmissionCap, next.ClosesAt, next.SubmissionsCloseAt, next.VotingOpensAt, Selection, Categories, PotMinor);
    }

    public CycleTimes Times => new(SubmissionsCloseAt, VotingOpensAt, ClosesAt, SubmissionsClosedAt, VotingOpenedAt, VotingClosedAt, ClosedAt);
}

public sealed record AwardRow(
    Guid Id, Guid ProgramId, Guid CycleId, Guid IdeaId, string Tier, long AmountMinor, int Rank, long Votes, DateTime AwardedAt,
    string Status, string? PaymentReference, string? ForfeitReason, DateTime? SettledAt);

public sealed record RankingRow(Guid IdeaId, string Tier, long Votes, int Rank, bool Awarded, string Outcome);

/// <summary>A validated program to create.</summary>
public sealed record NewProgram(
    string Name, string Currency, long BudgetMinor, string TimeZone, int DailyVoteAllowance, bool HideStandings,
    IReadOnlyList<TierTerms>? DefaultTiers, IReadOnlyList<string> DefaultCategories, bool RunMonthly);

/// <summary>A validated cycle configuration, to open or to apply.</summary>
public sealed record CycleTerms(
    string Name, IReadOnlyList<TierTerms> Tiers, int SubmissionCap, DateTime ClosesAt, DateTime SubmissionsCloseAt, DateTime VotingOpensAt,
    string Selection, IReadOnlyList<string> Categories, long PotMinor);
