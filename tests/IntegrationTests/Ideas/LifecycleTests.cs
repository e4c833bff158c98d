using ConductorMesh.Contracts;
using ConductorMesh.Grants.V1;
using ConductorMesh.Ideas.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace ConductorMesh.IntegrationTests.Ideas;

/// <summary>An idea's life: drafts, edits, moderation, withdrawal, the audit trail and the events of each change.</summary>
[Collection(MeshCollection.Name)]
public sealed class LifecycleTests(MeshFixture mesh)
{
    private readonly Scenario scenario = new(mesh);

    private IdeasApi.IdeasApiClient Ideas => mesh.Ideas;

    private Task<Idea> EditAsync(Idea idea, string member, Action<UpdateIdeaRequest> change, params string[] paths)
    {
        var request = new UpdateIdeaRequest { IdeaId = idea.Id, MemberId = member, UpdateMask = new FieldMask() };
        request.UpdateMask.Paths.AddRange(paths);
        change(request);
        return Ideas.UpdateIdeaAsync(request, mesh.AsMember(request.MemberId)).ResponseAsync;
    }

    [Fact]
    public async Task A_draft_is_edited_submitted_approved_and_withdrawn_with_every_change_recorded_and_published()
    {
        var (_, cycle) = await scenario.OpenCycleAsync(1_000_000, Scenario.FiveK);
        var author = $"author-{Guid.NewGuid():N}";
        var request = Scenario.Submission(cycle, "Pocket park", "5k", author);
        request.Draft = true;

        var draft = await Ideas.SubmitIdeaAsync(request, mesh.AsMember(request.AuthorMemberId));
        Assert.Equal(IdeaStatus.Draft, draft.Status);
        Assert.Empty((await Ideas.ListIdeasAsync(new ListIdeasRequest { CycleId = cycle.Id })).Ideas);
        Assert.Equal([draft.Id], (await Ideas.ListIdeasAsync(new ListIdeasRequest { AuthorMemberId = author })).Ideas.Select(i => i.Id));

        await EditAsync(draft, author, r => r.Title = "Pocket park on Elm Street", "title");
        await Refused.With(() => Ideas.SubmitDraftAsync(new SubmitDraftRequest { IdeaId = draft.Id, MemberId = "someone-else" }, mesh.AsMember("someone-else")).ResponseAsync,
            StatusCode.PermissionDenied, "author");
        var submitted = await Ideas.SubmitDraftAsync(new SubmitDraftRequest { IdeaId = draft.Id, MemberId = author }, mesh.AsMember(author));
        Assert.Equal((IdeaStatus.Submitted, "Pocket park on Elm Street"), (submitted.Status, submitted.Title));

        var edited = await EditAsync(submitted, author, r => { r.Description = "Benches and shade trees"; r.Links.Add("https://example.org/park"); }, "description", "links");
        Assert.Equal(("Benches and shade trees", "https://example.org/park"), (edited.Description, edited.Links.Single()));
        await Refused.With(() => EditAsync(edited, "someone-else", r => r.Title = "Mine now", "title"), StatusCode.PermissionDenied, "author");

        await Ideas.ApproveIdeaAsync(new ApproveIdeaRequest { IdeaId = draft.Id, ModeratorId = "mod-ana" });
        await Refused.With(() => EditAsync(edited, author, r => r.Title = "Too late", "title"), StatusCode.FailedPrecondition, "is approved");

        var withdrawn = await Ideas.WithdrawIdeaAsync(new WithdrawIdeaRequest { IdeaId = draft.Id, MemberId = author, Reason = "Found other funding" }, mesh.AsMember(author));
        Assert.Equal((IdeaStatus.Withdrawn, "Found other funding"), (withdrawn.Status, withdrawn.StatusReason));

        var history = (await Ideas.GetIdeaHistoryAsync(new GetIdeaHistoryRequest { IdeaId = draft.Id })).Changes;
        Assert.Equal(
            [("drafted", author), ("edited title", author), ("submitted", author), ("edited description, links", author), ("approved", "mod-ana"), ("withdrawn", author)],
            history.Select(c => (c.Action, c.Actor)));
        Assert.Equal(IdeaStatus.Withdrawn, history.Last().Status);
        Assert.Equal("Found other funding", history.Last().Note);

        var id = Guid.Parse(draft.Id);
        await mesh.Bus.WaitFor<IdeaSubmitted>(e => e.IdeaId == id, "IdeaSubmitted");
        await mesh.Bus.WaitFor<IdeaApproved>(e => e.IdeaId == id && e.ModeratorId == "mod-ana", "IdeaApproved");
        await mesh.Bus.WaitFor<IdeaWithdrawn>(e => e.IdeaId == id && e.FormerStatus == "approved", "IdeaWithdrawn");
        var update = await mesh.Bus.WaitFor<IdeaUpdated>(e => e.IdeaId == id, "IdeaUpdated");
        // The draft's edit was private: only the edit after submission is published.
        Assert.Equal(["description", "links"], update.Changed);
        Assert.Single(mesh.Bus.AboutIdea(id).OfType<IdeaUpdated>());
    }

    [Fact]
    public async Task Rejection_carries_its_reason_and_is_published()
    {
        var (_, cycle) = await scenario.OpenCycleAsync(1_000_000, Scenario.FiveK);
        var idea = await scenario.SubmitAsync(cycle, "Billboard for my shop", "5k", "author-r");

        var rejected = await Ideas.RejectIdeaAsync(new RejectIdeaRequest { IdeaId = idea.Id, ModeratorId = "mod-ben", Reason = "Commercial, not community" });

        Assert.Equal((IdeaStatus.Rejected, "Commercial, not community"), (rejected.Status, rejected.StatusReason));
        var published = await mesh.Bus.WaitFor<IdeaRejected>(e => e.IdeaId == Guid.Parse(idea.Id), "IdeaRejected");
        Assert.Equal(("mod-ben", "Commercial, not community"), (published.ModeratorId, published.Reason));
    }

    [Fact]
    public async Task Every_illegal_move_is_refused_naming_the_current_status()
    {
        var (_, cycle) = await scenario.OpenCycleAsync(1_000_000, Scenario.FiveK);
        var draftRequest = Scenario.Submission(cycle, "Draft idea", "5k", "author-d");
        draftRequest.Draft = true;
        var draft = await Ideas.SubmitIdeaAsync(draftRequest, mesh.AsMember(draftRequest.AuthorMemberId));
        var submitted = await scenario.SubmitAsync(cycle, "Submitted idea", "5k", "author-s");
        var approved = await scenario.ApprovedAsync(cycle, "Approved idea", "5k", "author-a");
        var rejected = await Ideas.RejectIdeaAsync(new RejectIdeaRequest { IdeaId = (await scenario.SubmitAsync(cycle, "Rejected idea", "5k", "author-r")).Id, ModeratorId = "m", Reason = "r" });
        var withdrawn = await Ideas.WithdrawIdeaAsync(new WithdrawIdeaRequest { IdeaId = (await scenario.SubmitAsync(cycle, "Withdrawn idea", "5k", "author-w")).Id, MemberId = "author-w" }, mesh.AsMember("author-w"));

        async Task Illegal(Func<Task> call, string status) => await Refused.With(call, StatusCode.FailedPrecondition, status);
        Task Approve(Idea i) => Ideas.ApproveIdeaAsync(new ApproveIdeaRequest { IdeaId = i.Id, ModeratorId = "m" }).ResponseAsync;
        Task Reject(Idea i) => Ideas.RejectIdeaAsync(new RejectIdeaRequest { IdeaId = i.Id, ModeratorId = "m", Reason = "r" }).ResponseAsync;
        Task Withdraw(Idea i) => Ideas.WithdrawIdeaAsync(new WithdrawIdeaRequest { IdeaId = i.Id, MemberId = i.AuthorMemberId }, mesh.AsMember(i.AuthorMemberId)).ResponseAsync;
        Task SubmitDraft(Idea i) => Ideas.SubmitDraftAsync(new SubmitDraftRequest { IdeaId = i.Id, MemberId = i.AuthorMemberId }, mesh.AsMember(i.AuthorMemberId)).ResponseAsync;
        Task Edit(Idea i) => EditAsync(i, i.AuthorMemberId, r => r.Title = "New title", "title");

        await Illegal(() => Approve(draft), "is draft");
        await Illegal(() => Reject(draft), "is draft");
        await Illegal(() => SubmitDraft(submitted), "is submitted");
        await Illegal(() => Approve(approved), "is approved");
        await Illegal(() => Reject(approved), "is approved");
        await Illegal(() => Edit(approved), "is approved");
        foreach (var (idea, status) in new[] { (rejected, "is rejected"), (withdrawn, "is withdrawn") })
        {
            await Illegal(() => Approve(idea), status);
            await Illegal(() => Reject(idea), status);
            await Illegal(() => Withdraw(idea), status);
            await Illegal(() => SubmitDraft(idea), status);
            await Illegal(() => Edit(idea), status);
        }

        await mesh.Grants.CloseCycleAsync(new CloseCycleRequest { CycleId = cycle.Id });
        await Illegal(() => Withdraw(approved), "");
        var notFunded = await Eventually.Get(() => Ideas.GetIdeaAsync(new GetIdeaRequest { IdeaId = approved.Id }).ResponseAsync,
            i => i.Status == IdeaStatus.NotFunded, "the unvoted idea to be not funded");
        await Illegal(() => Withdraw(notFunded), "is not_funded");
        await Illegal(() => Approve(notFunded), "is not_funded");
        await mesh.Bus.WaitFor<IdeaNotFunded>(e => e.IdeaId == Guid.Parse(approved.Id), "IdeaNotFunded");
    }

    [Fact]
    public async Task Edits_need_a_mask_of_known_fields_and_valid_values()
    {
        var (_, cycle) = await scenario.OpenCycleAsync(1_000_000, Scenario.FiveK);
        var idea = await scenario.SubmitAsync(cycle, "Mural", "5k", "author-e");

        await Refused.With(() => EditAsync(idea, "author-e", _ => { }), StatusCode.InvalidArgument, "update_mask");
        await Refused.With(() => EditAsync(idea, "author-e", _ => { }, "tier"), StatusCode.InvalidArgument, "'tier' cannot be changed");
        await Refused.With(() => EditAsync(idea, "author-e", r => r.Title = "", "title"), StatusCode.InvalidArgument, "title");
        await Refused.With(() => EditAsync(idea, "author-e", r => r.Links.Add("ftp://example.org"), "links"), StatusCode.InvalidArgument, "links[0]");
        await Refused.With(() => Ideas.UpdateIdeaAsync(new UpdateIdeaRequest { IdeaId = Guid.NewGuid().ToString(), MemberId = "x", UpdateMask = new FieldMask { Paths = { "title" } }, Title = "Okay title" }, mesh.AsMember("x")).ResponseAsync,
            StatusCode.NotFound, "No idea");

        Assert.Equal("Mural", (await Ideas.GetIdeaAsync(new GetIdeaRequest { IdeaId = idea.Id })).Title);
    }
}
