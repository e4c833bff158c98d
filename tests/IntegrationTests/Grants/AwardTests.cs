using ConductorMesh.Contracts;
using ConductorMesh.Grants.V1;
using Grpc.Core;

namespace ConductorMesh.IntegrationTests.Grants;

/// <summary>Awards after the close: paid or forfeited, each moving the program's ledger once.</summary>
[Collection(MeshCollection.Name)]
public sealed class AwardTests(MeshFixture mesh)
{
    private readonly Scenario scenario = new(mesh);

    [Fact]
    public async Task Disbursing_and_forfeiting_move_the_ledger_and_are_published()
    {
        var (program, cycle) = await scenario.OpenCycleAsync(1_000_00, new Tier { Name = "t", AmountMinor = 100_00, Slots = 2 });
        var paid = await scenario.ApprovedAsync(cycle, "Paid idea", "t", "author-p");
        var declined = await scenario.ApprovedAsync(cycle, "Declined idea", "t", "author-d");
        await scenario.VoteAsync(paid, 2);
        await scenario.VoteAsync(declined, 1);
        var awards = (await mesh.Grants.CloseCycleAsync(new CloseCycleRequest { CycleId = cycle.Id })).Awards;
        var (first, second) = (awards.Single(a => a.IdeaId == paid.Id), awards.Single(a => a.IdeaId == declined.Id));
        Assert.All(awards, a => Assert.Equal(AwardStatus.Awarded, a.Status));
        var ledger = await mesh.Grants.GetProgramAsync(new GetProgramRequest { ProgramId = program.Id });
        Assert.Equal((200_00L, 0L, 0L, 200_00L, 800_00L), (ledger.AwardedMinor, ledger.DisbursedMinor, ledger.ForfeitedMinor, ledger.OutstandingMinor, ledger.RemainingMinor));

        var disbursed = await mesh.Grants.DisburseAwardAsync(new DisburseAwardRequest { AwardId = first.Id, PaymentReference = "TX-1" });
        Assert.Equal((AwardStatus.Disbursed, "TX-1"), (disbursed.Status, disbursed.PaymentReference));
        Assert.Equal(disbursed, await mesh.Grants.DisburseAwardAsync(new DisburseAwardRequest { AwardId = first.Id, PaymentReference = "TX-1" }));
        await Refused.With(() => mesh.Grants.DisburseAwardAsync(new DisburseAwardRequest { AwardId = first.Id, PaymentReference = "TX-2" }).ResponseAsync,
            StatusCode.FailedPrecondition, "paid with reference 'TX-1'");
        await Refused.With(() => mesh.Grants.ForfeitAwardAsync(new ForfeitAwardRequest { AwardId = first.Id, Reason = "changed our mind" }).ResponseAsync,
            StatusCode.FailedPrecondition, "cannot be forfeited");

        var forfeited = await mesh.Grants.ForfeitAwardAsync(new ForfeitAwardRequest { AwardId = second.Id, Reason = "The group disbanded" });
        Assert.Equal((AwardStatus.Forfeited, "The group disbanded"), (forfeited.Status, forfeited.ForfeitReason));
        await Refused.With(() => mesh.Grants.DisburseAwardAsync(new DisburseAwardRequest { AwardId = second.Id, PaymentReference = "TX-3" }).ResponseAsync,
            StatusCode.FailedPrecondition, "forfeited (The group disbanded)");

        ledger = await mesh.Grants.GetProgramAsync(new GetProgramRequest { ProgramId = program.Id });
        Assert.Equal((200_00L, 100_00L, 100_00L, 0L, 900_00L), (ledger.AwardedMinor, ledger.DisbursedMinor, ledger.ForfeitedMinor, ledger.OutstandingMinor, ledger.RemainingMinor));
        var paidEvent = await mesh.Bus.WaitFor<GrantDisbursed>(e => e.AwardId == Guid.Parse(first.Id), "GrantDisbursed");
        Assert.Equal(("TX-1", 100_00L, "USD"), (paidEvent.PaymentReference, paidEvent.AmountMinor, paidEvent.Currency));
        var forfeitEvent = await mesh.Bus.WaitFor<GrantForfeited>(e => e.AwardId == Guid.Parse(second.Id), "GrantForfeited");
        Assert.Equal("The group disbanded", forfeitEvent.Reason);
        Assert.Single(mesh.Bus.All.OfType<GrantDisbursed>(), e => e.AwardId == Guid.Parse(first.Id));
    }

    [Fact]
    public async Task Awards_are_listed_by_program_cycle_idea_and_status_in_pages()
    {
        var (program, cycle) = await scenario.OpenCycleAsync(1_000_00, new Tier { Name = "t", AmountMinor = 10_00, Slots = 3 });
        var ideas = new List<ConductorMesh.Ideas.V1.Idea>();
        for (var i = 0; i < 3; i++)
        {
            ideas.Add(await scenario.ApprovedAsync(cycle, $"Listed idea {i}", "t", $"author-l{i}"));
            await scenario.VoteAsync(ideas[^1], 3 - i);
        }
        var awards = (await mesh.Grants.CloseCycleAsync(new CloseCycleRequest { CycleId = cycle.Id })).Awards;
        await mesh.Grants.DisburseAwardAsync(new DisburseAwardRequest { AwardId = awards[0].Id, PaymentReference = "TX-9" });

        var pages = new List<ListAwardsResponse>();
        var request = new ListAwardsRequest { ProgramId = program.Id, PageSize = 2 };
        do
        {
            pages.Add(await mesh.Grants.ListAwardsAsync(request));
            request.PageToken = pages[^1].NextPageToken;
        }
        while (request.PageToken != "");
        Assert.Equal([2, 1], pages.Select(p => p.Awards.Count));
        Assert.Equal(ideas.Select(i => i.Id), pages.SelectMany(p => p.Awards).Select(a => a.IdeaId));

        var unpaid = await mesh.Grants.ListAwardsAsync(new ListAwardsRequest { CycleId = cycle.Id, Status = AwardStatus.Awarded });
        Assert.Equal([ideas[1].Id, ideas[2].Id], unpaid.Awards.Select(a => a.IdeaId));
        var ofIdea = await mesh.Grants.ListAwardsAsync(new ListAwardsRequest { IdeaId = ideas[0].Id });
        Assert.Equal(AwardStatus.Disbursed, ofIdea.Awards.Single().Status);
        Assert.Equal(ofIdea.Awards.Single(), await mesh.Grants.GetAwardAsync(new GetAwardRequest { AwardId = awards[0].Id }));

        await Refused.With(() => mesh.Grants.ListAwardsAsync(new ListAwardsRequest()).ResponseAsync, StatusCode.InvalidArgument, "name a program_id");
        await Refused.With(() => mesh.Grants.GetAwardAsync(new GetAwardRequest { AwardId = Guid.NewGuid().ToString() }).ResponseAsync, StatusCode.NotFound, "No award");
        await Refused.With(() => mesh.Grants.ListAwardsAsync(new ListAwardsRequest { CycleId = cycle.Id, Status = (AwardStatus)42 }).ResponseAsync, StatusCode.InvalidArgument, "status");
    }
}
