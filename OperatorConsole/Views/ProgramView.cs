using ConductorMesh.Grants.V1;
using ConductorMesh.Ideas.V1;

namespace ConductorMesh.OperatorConsole.Views;

/// <summary>The program an operator watches: its ledger, its open (or latest) cycle with phase and dates, ideas by status and the moderation queue.</summary>
public sealed class ProgramView(GrantsApi.GrantsApiClient grants, IdeasApi.IdeasApiClient ideas, VoteRate votes)
{
    public async Task<object> ReadAsync(string? programId, CancellationToken ct)
    {
        var programs = (await grants.ListProgramsAsync(new ListProgramsRequest { PageSize = 50 }, cancellationToken: ct)).Programs;
        var program = programs.FirstOrDefault(p => p.Id == programId) ?? programs.FirstOrDefault(p => p.OpenCycleId != "") ?? programs.FirstOrDefault();
        if (program is null)
        {
            return new { programs = Array.Empty<object>(), votesPerSecond = votes.PerSecond };
        }
        var cycle = (await grants.ListCyclesAsync(new ListCyclesRequest { ProgramId = program.Id, PageSize = 1 }, cancellationToken: ct)).Cycles.FirstOrDefault();
        var byStatus = cycle is null ? new Dictionary<string, long>()
            : (await ideas.CountIdeasAsync(new CountIdeasRequest { CycleId = cycle.Id }, cancellationToken: ct)).ByStatus.ToDictionary(s => s.Key.Replace("IDEA_STATUS_", "").ToLowerInvariant(), s => s.Value);
        var waiting = (await ideas.ListModerationQueueAsync(new ListModerationQueueRequest { ProgramId = program.Id, PageSize = 1 }, cancellationToken: ct)).Waiting;
        return new
        {
            programs = programs.Select(p => new { p.Id, p.Name }),
            program = new
            {
                program.Id, program.Name, program.Currency, program.BudgetMinor, program.AwardedMinor, program.DisbursedMinor, program.ForfeitedMinor,
                program.OutstandingMinor, program.RemainingMinor,
            },
            cycle = cycle is null ? null : new
            {
                cycle.Id, cycle.Name, phase = cycle.Phase.ToString(), tiers = cycle.Tiers.Select(t => t.Name), categories = cycle.Categories.Select(c => c.ToString()),
                openedAt = cycle.OpenedAt?.ToDateTime(), submissionsCloseAt = cycle.SubmissionsCloseAt?.ToDateTime(),
                votingOpensAt = cycle.VotingOpensAt?.ToDateTime(), closesAt = cycle.ClosesAt?.ToDateTime(), closedAt = cycle.ClosedAt?.ToDateTime(),
            },
            ideasByStatus = byStatus,
            moderationQueue = waiting,
            votesPerSecond = votes.PerSecond,
        };
    }
}
