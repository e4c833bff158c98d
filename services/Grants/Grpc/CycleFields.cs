using ConductorMesh.Contracts;
using ConductorMesh.Grants.Data;
using ConductorMesh.Grants.Domain;
using ConductorMesh.Grants.V1;
using ConductorMesh.Ideas.V1;
using ConductorMesh.ServiceDefaults.Grpc;
using Google.Protobuf.Collections;
using Google.Protobuf.WellKnownTypes;

namespace ConductorMesh.Grants.Grpc;

/// <summary>
/// A cycle's configuration from a request, checked the same way when a cycle opens and when it
/// changes: a new cycle takes the program's defaults for what it leaves unset; an update keeps
/// the cycle's values for what its mask does not name.
/// </summary>
public static class CycleFields
{
    public static readonly string[] Updatable =
        ["name", "tiers", "submission_cap", "closes_at", "submissions_close_at", "voting_opens_at", "selection", "categories", "pot_minor"];

    public static CycleTerms ForNew(OpenCycleRequest r, ProgramRow program, DateTime now)
    {
        var closesAt = r.ClosesAt is null ? new DateTime(now.Year, now.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(1) : ClosesAt(r.ClosesAt, now);
        var votingOpensAt = Check.Time(r.VotingOpensAt, "voting_opens_at");
        var tiers = r.Tiers.Count == 0 ? program.TiersOfNewCycles : TierRules.Validate(r.Tiers);
        return Checked(new CycleTerms(
            Check.Text(r.Name, "name", 60),
            tiers,
            Cap(r.SubmissionCap),
            closesAt,
            Check.Time(r.SubmissionsCloseAt, "submissions_close_at") ?? closesAt,
            votingOpensAt > now ? votingOpensAt.Value : now,
            Selection(r.Selection),
            r.Categories.Count == 0 ? program.DefaultCategories : Categories(r.Categories, "categories"),
            Pot(r.PotMinor, tiers)));
    }

    public static CycleTerms Updated(CycleRow cycle, OpenCycleRequest r, IReadOnlySet<string> mask, DateTime now)
    {
        bool Has(string field) => mask.Contains(field);
        var tiers = Has("tiers") ? TierRules.Validate(r.Tiers) : cycle.TierTerms;
        if (tiers.Count == 0)
        {
            throw Check.Invalid("cycle.tiers", "a cycle funds at least one tier");
        }
        return Checked(new CycleTerms(
            Has("name") ? Check.Text(r.Name, "cycle.name", 60) : cycle.Name,
            tiers,
            Has("submission_cap") ? Cap(r.SubmissionCap) : cycle.SubmissionCap,
            Has("closes_at") ? ClosesAt(r.ClosesAt, now) : cycle.ClosesAt,
            Has("submissions_close_at") ? Check.Time(r.SubmissionsCloseAt, "cycle.submissions_close_at") ?? throw Check.Invalid("cycle.submissions_close_at", "is required when named in update_mask") : cycle.SubmissionsCloseAt,
            Has("voting_opens_at") ? Check.Time(r.VotingOpensAt, "cycle.voting_opens_at") ?? throw Check.Invalid("cycle.voting_opens_at", "is required when named in update_mask") : cycle.VotingOpensAt,
            Has("selection") ? Selection(r.Selection) : cycle.Selection,
            Has("categories") ? Categories(r.Categories, "cycle.categories") : cycle.Categories,
            Has("pot_minor") || Has("tiers") ? Pot(r.PotMinor, tiers) : cycle.PotMinor));
    }

    public static IReadOnlyList<string> Categories(RepeatedField<Category> categories, string field)
    {
        foreach (var (category, i) in categories.Select((c, i) => (c, i)))
        {
            Check.Defined(category, $"{field}[{i}]");
        }
        return categories.Distinct().Select(c => c.ToString()).ToList();
    }

    private static CycleTerms Checked(CycleTerms t) =>
        CycleSchedule.Invalid(t.SubmissionsCloseAt, t.VotingOpensAt, t.ClosesAt) is { } problem ? throw Check.Invalid(problem.Field, problem.Problem) : t;

    private static DateTime ClosesAt(Timestamp? at, DateTime now) =>
        Check.Time(at, "closes_at") is { } closes && closes > now ? closes : throw Check.Invalid("closes_at", "must be in the future");

    private static int Cap(int cap) => cap switch
    {
        0 => DefaultTiers.SubmissionCap,
        < 0 or > 100_000 => throw Check.Invalid("submission_cap", "must be between 1 and 100,000 (0 for the default of 1,000)"),
        var n => n,
    };

    private static string Selection(SelectionMethod method) => method switch
    {
        SelectionMethod.Unspecified or SelectionMethod.TopPerTier => WinnerSelection.TopPerTierMethod,
        SelectionMethod.GreedyBudget => WinnerSelection.GreedyBudgetMethod,
        _ => throw Check.Invalid("selection", $"{(int)method} is not a selection method; use SELECTION_METHOD_TOP_PER_TIER or SELECTION_METHOD_GREEDY_BUDGET"),
    };

    private static long Pot(long pot, IReadOnlyList<TierTerms> tiers) => pot switch
    {
        0 => WinnerSelection.PotOf(tiers),
        < 0 => throw Check.Invalid("pot_minor", "must not be negative (0 for what the tiers would pay)"),
        var n => n,
    };
}
