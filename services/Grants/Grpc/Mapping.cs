using ConductorMesh.Grants.Data;
using ConductorMesh.Grants.Domain;
using ConductorMesh.Grants.V1;
using ConductorMesh.Ideas.V1;
using ConductorMesh.ServiceDefaults.Grpc;
using Google.Protobuf.WellKnownTypes;

namespace ConductorMesh.Grants.Grpc;

/// <summary>Database rows as API messages.</summary>
public static class Mapping
{
    public static GrantProgram ToProto(this ProgramRow p)
    {
        var program = new GrantProgram
        {
            Id = p.Id.ToString(),
            Name = p.Name,
            Currency = p.Currency,
            BudgetMinor = p.BudgetMinor,
            AwardedMinor = p.AwardedMinor,
            DisbursedMinor = p.DisbursedMinor,
            ForfeitedMinor = p.ForfeitedMinor,
            OutstandingMinor = p.AwardedMinor - p.DisbursedMinor - p.ForfeitedMinor,
            RemainingMinor = p.RemainingMinor,
            CreatedAt = Timestamp.FromDateTime(p.CreatedAt),
            TimeZone = p.TimeZone,
            DailyVoteAllowance = p.DailyVoteAllowance,
            HideStandings = p.HideStandings,
            RunMonthly = p.RunMonthly,
            OpenCycleId = p.OpenCycleId?.ToString() ?? "",
        };
        program.DefaultTiers.AddRange(p.TiersOfNewCycles.Select(ToProto));
        program.DefaultCategories.AddRange(CategoriesOf(p.DefaultCategories));
        return program;
    }

    public static Cycle ToProto(this CycleRow c)
    {
        var times = c.Times;
        var cycle = new Cycle
        {
            Id = c.Id.ToString(),
            ProgramId = c.ProgramId.ToString(),
            Name = c.Name,
            Phase = CycleSchedule.PhaseOf(times) switch
            {
                CycleSchedule.Phase.Submissions => CyclePhase.Submissions,
                CycleSchedule.Phase.SubmissionsAndVoting => CyclePhase.SubmissionsAndVoting,
                CycleSchedule.Phase.Review => CyclePhase.Review,
                CycleSchedule.Phase.Voting => CyclePhase.Voting,
                CycleSchedule.Phase.Counting => CyclePhase.Counting,
                _ => CyclePhase.Closed,
            },
            SubmissionCap = c.SubmissionCap,
            OpenedAt = Timestamp.FromDateTime(c.OpenedAt),
            ClosedAt = c.ClosedAt.ToTimestamp(),
            ClosesAt = Timestamp.FromDateTime(c.ClosesAt),
            SubmissionsCloseAt = Timestamp.FromDateTime(c.SubmissionsCloseAt),
            VotingOpensAt = Timestamp.FromDateTime(c.VotingOpensAt),
            SubmissionsClosedAt = c.SubmissionsClosedAt.ToTimestamp(),
            VotingOpenedAt = c.VotingOpenedAt.ToTimestamp(),
            VotingClosedAt = c.VotingClosedAt.ToTimestamp(),
            Selection = c.Selection == WinnerSelection.GreedyBudgetMethod ? SelectionMethod.GreedyBudget : SelectionMethod.TopPerTier,
            PotMinor = c.PotMinor,
            NextCycleOpensAt = c.ProgramRunsMonthly ? Timestamp.FromDateTime(c.ClosesAt) : null,
            AcceptingSubmissions = times.AcceptingSubmissions,
            AcceptingVotes = times.AcceptingVotes,
        };
        cycle.Tiers.AddRange(c.TierTerms.Select(ToProto));
        cycle.Categories.AddRange(CategoriesOf(c.Categories));
        return cycle;
    }

    /// <summary>Stored empty, "every category" reads as all six: a partner shows what may be chosen.</summary>
    private static IEnumerable<Category> CategoriesOf(string[] stored) =>
        stored.Length == 0
            ? System.Enum.GetValues<Category>().Where(c => c != Category.Unspecified)
            : stored.Select(System.Enum.Parse<Category>);

    public static Award ToProto(this AwardRow a) => new()
    {
        Id = a.Id.ToString(),
        ProgramId = a.ProgramId.ToString(),
        CycleId = a.CycleId.ToString(),
        IdeaId = a.IdeaId.ToString(),
        Tier = a.Tier,
        AmountMinor = a.AmountMinor,
        Rank = a.Rank,
        Votes = a.Votes,
        AwardedAt = Timestamp.FromDateTime(a.AwardedAt),
        Status = a.Status switch
        {
            AwardsStore.Disbursed => AwardStatus.Disbursed,
            AwardsStore.Forfeited => AwardStatus.Forfeited,
            _ => AwardStatus.Awarded,
        },
        PaymentReference = a.PaymentReference ?? "",
        ForfeitReason = a.ForfeitReason ?? "",
        SettledAt = a.SettledAt.ToTimestamp(),
    };

    public static string? ToStatus(this AwardStatus status) => status switch
    {
        AwardStatus.Awarded => AwardsStore.Awarded,
        AwardStatus.Disbursed => AwardsStore.Disbursed,
        AwardStatus.Forfeited => AwardsStore.Forfeited,
        _ => null,
    };

    public static RankedIdea ToProto(this RankingRow r) => new()
    {
        IdeaId = r.IdeaId.ToString(),
        Tier = r.Tier,
        Votes = r.Votes,
        Rank = r.Rank,
        Awarded = r.Awarded,
        Outcome = r.Outcome,
    };

    private static Tier ToProto(Contracts.TierTerms t) => new() { Name = t.Name, AmountMinor = t.AmountMinor, Slots = t.Slots };
}
