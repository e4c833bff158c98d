using ConductorMesh.Contracts;
using ConductorMesh.Grants.Data;
using ConductorMesh.Grants.Domain;
using ConductorMesh.Grants.V1;
using ConductorMesh.ServiceDefaults.Grpc;
using ConductorMesh.Voting.V1;
using Grpc.Core;

namespace ConductorMesh.Grants.Grpc;

public sealed class GrantsService(GrantsStore store, VotingApi.VotingApiClient voting, ILogger<GrantsService> logger) : GrantsApi.GrantsApiBase
{
    public override async Task<GrantProgram> CreateProgram(CreateProgramRequest request, ServerCallContext context)
    {
        var name = Check.Text(request.Name, "name", 120);
        var currency = string.IsNullOrWhiteSpace(request.Currency) ? "USD" : request.Currency.Trim().ToUpperInvariant();
        if (currency.Length != 3 || !currency.All(char.IsAsciiLetterUpper))
        {
            throw Check.Invalid("currency", "must be a three-letter ISO 4217 code such as USD");
        }
        if (request.BudgetMinor <= 0)
        {
            throw Check.Invalid("budget_minor", "must be greater than zero");
        }
        var timeZone = string.IsNullOrWhiteSpace(request.TimeZone) ? "UTC" : request.TimeZone.Trim();
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out _))
        {
            throw Check.Invalid("time_zone", $"'{timeZone}' is not an IANA time zone such as America/Chicago");
        }
        var allowance = request.DailyVoteAllowance switch
        {
            0 => 10,
            < 0 or > 1000 => throw Check.Invalid("daily_vote_allowance", "must be between 1 and 1,000 (0 for the default of 10)"),
            var n => n,
        };
        var program = new NewProgram(name, currency, request.BudgetMinor, timeZone, allowance, request.HideStandings);
        return (await store.CreateProgramAsync(program, context.CancellationToken)).ToProto();
    }

    public override async Task<GrantProgram> GetProgram(GetProgramRequest request, ServerCallContext context) =>
        (await store.GetProgramAsync(Check.Id(request.ProgramId, "program_id"), context.CancellationToken)).ToProto();

    public override async Task<Cycle> OpenCycle(OpenCycleRequest request, ServerCallContext context)
    {
        var programId = Check.Id(request.ProgramId, "program_id");
        var name = Check.Text(request.Name, "name", 60);
        var tiers = request.Tiers.Count == 0 ? DefaultTiers.All : TierRules.Validate(request.Tiers);
        var cap = request.SubmissionCap switch
        {
            0 => DefaultTiers.SubmissionCap,
            < 0 or > 100_000 => throw Check.Invalid("submission_cap", "must be between 1 and 100,000 (0 for the default of 1,000)"),
            var n => n,
        };
        var now = DateTime.UtcNow;
        var closesAt = request.ClosesAt is null
            ? new DateTime(now.Year, now.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(1)
            : request.ClosesAt.ToDateTime() is var at && at > now ? at : throw Check.Invalid("closes_at", "must be in the future");
        return (await store.OpenCycleAsync(programId, name, tiers, cap, closesAt, context.CancellationToken)).ToProto();
    }

    public override async Task<Cycle> GetCycle(GetCycleRequest request, ServerCallContext context) =>
        (await store.GetCycleAsync(Check.Id(request.CycleId, "cycle_id"), context.CancellationToken)).ToProto();

    public override async Task<CycleResults> CloseCycle(CloseCycleRequest request, ServerCallContext context)
    {
        var cycleId = Check.Id(request.CycleId, "cycle_id");
        var cycle = await store.GetCycleAsync(cycleId, context.CancellationToken);
        if (cycle.Phase != "closed")
        {
            var tallies = await FinalTalliesAsync(cycleId, context);
            await store.CloseCycleAsync(cycleId, tallies, context.CancellationToken);
        }
        return await ResultsAsync(cycleId, context.CancellationToken);
    }

    public override async Task<ListAwardsResponse> ListAwards(ListAwardsRequest request, ServerCallContext context)
    {
        var cycle = await store.GetCycleAsync(Check.Id(request.CycleId, "cycle_id"), context.CancellationToken);
        var response = new ListAwardsResponse();
        response.Awards.AddRange((await store.ListAwardsAsync(cycle.Id, context.CancellationToken)).Select(a => a.ToProto()));
        return response;
    }

    private async Task<IReadOnlyList<Tally>> FinalTalliesAsync(Guid cycleId, ServerCallContext context)
    {
        try
        {
            var final = await voting.FinalizeCycleAsync(
                new FinalizeCycleRequest { CycleId = cycleId.ToString() }, deadline: context.Deadline, cancellationToken: context.CancellationToken);
            return final.Tallies.Select(t => new Tally(Guid.Parse(t.IdeaId), t.Tier, t.Votes, t.LastVoteAt.ToDateTime())).ToList();
        }
        catch (RpcException e) when (e.StatusCode is not StatusCode.Cancelled)
        {
            logger.LogWarning(e, "Voting did not give final tallies for cycle {CycleId}", cycleId);
            throw new RpcException(new Status(StatusCode.Unavailable,
                $"Voting could not give the final tallies ({e.Status.Detail}); the cycle stays open and nothing was awarded. Try again."));
        }
    }

    private async Task<CycleResults> ResultsAsync(Guid cycleId, CancellationToken ct)
    {
        var results = new CycleResults { Cycle = (await store.GetCycleAsync(cycleId, ct)).ToProto() };
        results.Awards.AddRange((await store.ListAwardsAsync(cycleId, ct)).Select(a => a.ToProto()));
        results.Ranking.AddRange((await store.ListRankingsAsync(cycleId, ct)).Select(r => r.ToProto()));
        return results;
    }
}
