using ConductorMesh.Grants.Data;
using ConductorMesh.Grants.V1;
using Google.Protobuf.WellKnownTypes;

namespace ConductorMesh.Grants.Grpc;

/// <summary>Database rows as API messages.</summary>
public static class Mapping
{
    public static GrantProgram ToProto(this ProgramRow p) => new()
    {
        Id = p.Id.ToString(),
        Name = p.Name,
        Currency = p.Currency,
        BudgetMinor = p.BudgetMinor,
        AwardedMinor = p.AwardedMinor,
        RemainingMinor = p.BudgetMinor - p.AwardedMinor,
        CreatedAt = Timestamp.FromDateTime(p.CreatedAt),
        TimeZone = p.TimeZone,
        DailyVoteAllowance = p.DailyVoteAllowance,
        HideStandings = p.HideStandings,
    };

    public static Cycle ToProto(this CycleRow c)
    {
        var cycle = new Cycle
        {
            Id = c.Id.ToString(),
            ProgramId = c.ProgramId.ToString(),
            Name = c.Name,
            Phase = c.Phase == "closed" ? CyclePhase.Closed : CyclePhase.Open,
            SubmissionCap = c.SubmissionCap,
            OpenedAt = Timestamp.FromDateTime(c.OpenedAt),
            ClosedAt = c.ClosedAt is { } closed ? Timestamp.FromDateTime(closed) : null,
            ClosesAt = Timestamp.FromDateTime(c.ClosesAt),
        };
        cycle.Tiers.AddRange(GrantsStore.TiersOf(c).Select(t => new Tier { Name = t.Name, AmountMinor = t.AmountMinor, Slots = t.Slots }));
        return cycle;
    }

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
}
