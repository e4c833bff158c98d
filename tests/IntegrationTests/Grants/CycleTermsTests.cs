using ConductorMesh.Grants.V1;
using ConductorMesh.Ideas.V1;
using Grpc.Core;

namespace ConductorMesh.IntegrationTests.Grants;

/// <summary>A cycle's terms as partners read them, and refusals in the protos' own names.</summary>
[Collection(MeshCollection.Name)]
public sealed class CycleTermsTests(MeshFixture mesh)
{
    private readonly Scenario scenario = new(mesh);

    [Fact]
    public async Task A_cycle_open_to_every_category_lists_all_six()
    {
        var (program, cycle) = await scenario.OpenCycleAsync(1_000_000, Scenario.FiveK);

        var all = Enum.GetValues<Category>().Where(c => c != Category.Unspecified);
        Assert.Equal(all, (await mesh.Grants.GetCycleAsync(new GetCycleRequest { CycleId = cycle.Id })).Categories);
        Assert.Equal(all, (await mesh.Grants.GetProgramAsync(new GetProgramRequest { ProgramId = program.Id })).DefaultCategories);
    }

    [Fact]
    public async Task A_category_the_cycle_does_not_take_is_refused_in_the_protos_names()
    {
        var program = await mesh.Grants.CreateProgramAsync(new CreateProgramRequest { Name = "Health only", BudgetMinor = 1_000_000 });
        var request = new OpenCycleRequest { ProgramId = program.Id, Name = "health", Categories = { Category.Health } };
        request.Tiers.Add(Scenario.FiveK);
        var cycle = await mesh.Grants.OpenCycleAsync(request);

        await Refused.With(() => scenario.SubmitAsync(cycle, "A mural", "5k", "author-terms", Category.ArtsAndCulture),
            StatusCode.FailedPrecondition, "takes ideas in CATEGORY_HEALTH only, not CATEGORY_ARTS_AND_CULTURE");
    }

    [Fact]
    public async Task A_full_cycle_names_the_next_cycle_only_when_one_is_scheduled()
    {
        var (monthly, monthlyCycle) = await scenario.OpenCycleAsync(
            new CreateProgramRequest { Name = "Monthly", BudgetMinor = 1_000_000, RunMonthly = true }, 1, Scenario.FiveK);
        var (_, onceCycle) = await scenario.OpenCycleAsync(new CreateProgramRequest { Name = "Once", BudgetMinor = 1_000_000 }, 1, Scenario.FiveK);
        await scenario.SubmitAsync(monthlyCycle, "Takes the monthly place", "5k", "author-m1");
        await scenario.SubmitAsync(onceCycle, "Takes the only place", "5k", "author-o1");

        Assert.Equal(monthlyCycle.ClosesAt, monthlyCycle.NextCycleOpensAt);
        Assert.Null(onceCycle.NextCycleOpensAt);
        await Refused.With(() => scenario.SubmitAsync(monthlyCycle, "Too late", "5k", "author-m2"),
            StatusCode.ResourceExhausted, $"next cycle, due {monthlyCycle.ClosesAt.ToDateTime():u}");
        await Refused.With(() => scenario.SubmitAsync(onceCycle, "Too late", "5k", "author-o2"),
            StatusCode.ResourceExhausted, "none is scheduled yet");
    }
}
