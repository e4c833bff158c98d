using ConductorMesh.Grants.Data;
using ConductorMesh.Grants.Domain;
using ConductorMesh.Grants.V1;
using ConductorMesh.ServiceDefaults.Grpc;
using Grpc.Core;

namespace ConductorMesh.Grants.Grpc;

public sealed class GrantsService(GrantsStore store, CycleSteps steps, AwardsStore awards) : GrantsApi.GrantsApiBase
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
        var program = new NewProgram(name, currency, request.BudgetMinor, timeZone, allowance, request.HideStandings,
            request.DefaultTiers.Count == 0 ? null : TierRules.Validate(request.DefaultTiers, "default_tiers"),
            CycleFields.Categories(request.DefaultCategories, "default_categories"), request.RunMonthly);
        return (await store.CreateProgramAsync(program, context.CancellationToken)).ToProto();
    }

    public override async Task<GrantProgram> GetProgram(GetProgramRequest request, ServerCallContext context) =>
        (await store.GetProgramAsync(Check.Id(request.ProgramId, "program_id"), context.CancellationToken)).ToProto();

    public override async Task<ListProgramsResponse> ListPrograms(ListProgramsRequest request, ServerCallContext context)
    {
        var size = Check.PageSize(request.PageSize);
        var rows = await store.ListProgramsAsync(PageToken.Decode(request.PageToken), size + 1, context.CancellationToken);
        var response = new ListProgramsResponse();
        response.NextPageToken = Paging.Fill(rows, size, p => (p.CreatedAt, p.Id), response.Programs, p => p.ToProto());
        return response;
    }

    public override async Task<Cycle> OpenCycle(OpenCycleRequest request, ServerCallContext context)
    {
        var program = await store.GetProgramAsync(Check.Id(request.ProgramId, "program_id"), context.CancellationToken);
        var terms = CycleFields.ForNew(request, program, DateTime.UtcNow);
        return (await store.OpenCycleAsync(program.Id, terms, context.CancellationToken)).ToProto();
    }

    public override async Task<Cycle> GetCycle(GetCycleRequest request, ServerCallContext context) =>
        (await store.GetCycleAsync(Check.Id(request.CycleId, "cycle_id"), context.CancellationToken)).ToProto();

    public override async Task<ListCyclesResponse> ListCycles(ListCyclesRequest request, ServerCallContext context)
    {
        var program = await store.GetProgramAsync(Check.Id(request.ProgramId, "program_id"), context.CancellationToken);
        var size = Check.PageSize(request.PageSize);
        var rows = await store.ListCyclesAsync(program.Id, PageToken.Decode(request.PageToken), size + 1, context.CancellationToken);
        var response = new ListCyclesResponse();
        response.NextPageToken = Paging.Fill(rows, size, c => (c.OpenedAt, c.Id), response.Cycles, c => c.ToProto());
        return response;
    }

    public override async Task<Cycle> UpdateCycle(UpdateCycleRequest request, ServerCallContext context)
    {
        var cycleId = Check.Id(request.CycleId, "cycle_id");
        var mask = Check.Mask(request.UpdateMask, CycleFields.Updatable);
        var change = request.Cycle ?? new OpenCycleRequest();
        var now = DateTime.UtcNow;
        return (await store.UpdateCycleAsync(cycleId, cycle => CycleFields.Updated(cycle, change, mask, now), context.CancellationToken)).ToProto();
    }

    public override Task<Cycle> CloseSubmissions(CycleStepRequest request, ServerCallContext context) => StepAsync(request, CycleStep.CloseSubmissions, context);

    public override Task<Cycle> OpenVoting(CycleStepRequest request, ServerCallContext context) => StepAsync(request, CycleStep.OpenVoting, context);

    public override Task<Cycle> CloseVoting(CycleStepRequest request, ServerCallContext context) => StepAsync(request, CycleStep.CloseVoting, context);

    public override async Task<CycleResults> CloseCycle(CloseCycleRequest request, ServerCallContext context)
    {
        var cycleId = Check.Id(request.CycleId, "cycle_id");
        await steps.CloseAsync(cycleId, context.CancellationToken);
        return await ResultsAsync(cycleId, context.CancellationToken);
    }

    public override async Task<CycleResults> GetCycleResults(GetCycleRequest request, ServerCallContext context)
    {
        var cycleId = Check.Id(request.CycleId, "cycle_id");
        var results = await ResultsAsync(cycleId, context.CancellationToken);
        return results.Cycle.Phase == CyclePhase.Closed
            ? results
            : throw Check.Precondition($"Cycle {cycleId} is not closed yet (its phase is {ProtoNames.Of(results.Cycle.Phase)}); results come at {results.Cycle.ClosesAt.ToDateTime():u}.");
    }

    public override async Task<Award> GetAward(GetAwardRequest request, ServerCallContext context) =>
        (await awards.GetAsync(Check.Id(request.AwardId, "award_id"), context.CancellationToken)).ToProto();

    public override async Task<ListAwardsResponse> ListAwards(ListAwardsRequest request, ServerCallContext context)
    {
        var programId = Check.OptionalId(request.ProgramId, "program_id");
        var cycleId = Check.OptionalId(request.CycleId, "cycle_id");
        var ideaId = Check.OptionalId(request.IdeaId, "idea_id");
        if (programId is null && cycleId is null && ideaId is null)
        {
            throw Check.Invalid("program_id", "name a program_id, cycle_id or idea_id to list awards of");
        }
        var status = Check.OptionalDefined(request.Status, "status")?.ToStatus();
        var size = Check.PageSize(request.PageSize);
        var rows = await awards.ListAsync(
            new AwardFilter(programId, cycleId, ideaId, status, PageToken.Decode(request.PageToken), size + 1), context.CancellationToken);
        var response = new ListAwardsResponse();
        response.NextPageToken = Paging.Fill(rows, size, a => (a.AwardedAt, a.Id), response.Awards, a => a.ToProto());
        return response;
    }

    public override async Task<Award> DisburseAward(DisburseAwardRequest request, ServerCallContext context) =>
        (await awards.DisburseAsync(Check.Id(request.AwardId, "award_id"), Check.Text(request.PaymentReference, "payment_reference", 100), context.CancellationToken)).ToProto();

    public override async Task<Award> ForfeitAward(ForfeitAwardRequest request, ServerCallContext context) =>
        (await awards.ForfeitAsync(Check.Id(request.AwardId, "award_id"), Check.Text(request.Reason, "reason", 500), context.CancellationToken)).ToProto();

    private async Task<Cycle> StepAsync(CycleStepRequest request, CycleStep step, ServerCallContext context) =>
        (await steps.TakeAsync(Check.Id(request.CycleId, "cycle_id"), step, context.CancellationToken)).ToProto();

    private async Task<CycleResults> ResultsAsync(Guid cycleId, CancellationToken ct)
    {
        var results = new CycleResults { Cycle = (await store.GetCycleAsync(cycleId, ct)).ToProto() };
        results.Awards.AddRange((await awards.ListAsync(new AwardFilter(null, cycleId, null, null, null, 10_000), ct)).Select(a => a.ToProto()));
        results.Ranking.AddRange((await awards.RankingsAsync(cycleId, ct)).Select(r => r.ToProto()));
        results.Seal = await awards.SealAsync(cycleId, ct);
        return results;
    }
}
