using ConductorMesh.Contracts;
using ConductorMesh.Grants.V1;
using ConductorMesh.Ideas.Data;
using ConductorMesh.Ideas.Domain;
using ConductorMesh.Ideas.V1;
using ConductorMesh.ServiceDefaults.Auth;
using ConductorMesh.ServiceDefaults.Grpc;
using ConductorMesh.Voting.V1;
using Grpc.Core;

namespace ConductorMesh.Ideas.Grpc;

public sealed class IdeasService(IdeasStore store, GrantsApi.GrantsApiClient grants, VotingApi.VotingApiClient voting, CallerAccess caller)
    : IdeasApi.IdeasApiBase
{
    public override async Task<Idea> SubmitIdea(SubmitIdeaRequest request, ServerCallContext context)
    {
        var cycleId = Check.Id(request.CycleId, "cycle_id");
        var title = IdeaFields.Title(request.Title);
        var description = IdeaFields.Description(request.Description);
        var category = Check.Defined(request.Category, "category");
        var tierName = Check.Text(request.Tier, "tier", 20).ToLowerInvariant();
        var author = Check.Text(request.AuthorMemberId, "author_member_id", 64);
        var key = Check.OptionalText(request.IdempotencyKey, "idempotency_key", 64);
        var location = IdeaFields.Location(request.Location);
        var links = IdeaFields.Links(request.Links);

        var cycle = await CycleTakingSubmissionsAsync(cycleId, tierName, category.ToString(), context);
        var idea = new NewIdea(cycle, title, description, location, links, category.ToString(), tierName, author,
            key.Length == 0 ? null : key, request.Draft, request.QueueIfFull);
        return (await store.SubmitAsync(idea, context.CancellationToken)).ToProto();
    }

    public override async Task<Idea> SubmitDraft(SubmitDraftRequest request, ServerCallContext context)
    {
        var id = Check.Id(request.IdeaId, "idea_id");
        var member = Check.Text(request.MemberId, "member_id", 64);
        var draft = await store.GetAsync(id, context.CancellationToken);
        var cycle = await CycleTakingSubmissionsAsync(draft.CycleId, draft.Tier, draft.Category, context);
        return (await store.SubmitDraftAsync(id, member, cycle, request.QueueIfFull, context.CancellationToken)).ToProto();
    }

    public override async Task<Idea> UpdateIdea(UpdateIdeaRequest request, ServerCallContext context)
    {
        var id = Check.Id(request.IdeaId, "idea_id");
        var member = Check.Text(request.MemberId, "member_id", 64);
        var paths = Check.Mask(request.UpdateMask, "title", "description", "location", "links");
        var edit = new IdeaEdit(
            paths.Contains("title") ? IdeaFields.Title(request.Title) : null,
            paths.Contains("description") ? IdeaFields.Description(request.Description) : null,
            paths.Contains("location") ? IdeaFields.Location(request.Location) : null,
            paths.Contains("links") ? IdeaFields.Links(request.Links) : null);
        return (await store.UpdateAsync(id, member, edit, context.CancellationToken)).ToProto();
    }

    public override async Task<Idea> WithdrawIdea(WithdrawIdeaRequest request, ServerCallContext context)
    {
        var id = Check.Id(request.IdeaId, "idea_id");
        var member = Check.Text(request.MemberId, "member_id", 64);
        var reason = Check.OptionalText(request.Reason, "reason", 500);
        return (await store.WithdrawAsync(id, member, reason, LeaveVoteAsync, context.CancellationToken)).ToProto();
    }

    public override async Task<Idea> GetIdea(GetIdeaRequest request, ServerCallContext context) =>
        (await store.GetAsync(Check.Id(request.IdeaId, "idea_id"), context.CancellationToken)).ToProto();

    public override async Task<IdeaHistory> GetIdeaHistory(GetIdeaHistoryRequest request, ServerCallContext context)
    {
        var history = new IdeaHistory();
        history.Changes.AddRange((await store.HistoryAsync(Check.Id(request.IdeaId, "idea_id"), context.CancellationToken)).Select(c => c.ToProto()));
        return history;
    }

    public override async Task<ListIdeasResponse> ListIdeas(ListIdeasRequest request, ServerCallContext context)
    {
        var filter = IdeaFields.Filter(request.CycleId, request.ProgramId, request.Category, request.Status, request.Tier, request.AuthorMemberId);
        filter = filter with { Drafts = filter.AuthorMemberId is { } author && await caller.MayActForAsync(context, author) };
        var size = Check.PageSize(request.PageSize);
        var rows = await store.ListAsync(filter, PageToken.Decode(request.PageToken), size + 1, context.CancellationToken);
        var response = new ListIdeasResponse();
        response.NextPageToken = Paging.Fill(rows, size, r => (r.CreatedAt, r.Id), response.Ideas, r => r.ToProto());
        return response;
    }

    public override async Task<SearchIdeasResponse> SearchIdeas(SearchIdeasRequest request, ServerCallContext context)
    {
        var query = Check.Text(request.Query, "query", 200);
        var filter = IdeaFields.Filter(request.CycleId, request.ProgramId, request.Category, request.Status);
        var size = Check.PageSize(request.PageSize, fallback: 20, max: 100);
        var hits = await store.SearchAsync(query, filter, PageToken.DecodeRank(request.PageToken), size + 1, context.CancellationToken);
        var (items, next) = Paging.Page(hits, size, h => PageToken.Encode(h.Rank, h.Idea.Id));
        var response = new SearchIdeasResponse { NextPageToken = next };
        response.Hits.AddRange(items.Select(h => new SearchHit { Idea = h.Idea.ToProto(), Rank = h.Rank }));
        return response;
    }

    // The names the proto gives statuses (IDEA_STATUS_APPROVED), as every client's language knows them.
    private static readonly Google.Protobuf.Reflection.EnumDescriptor StatusNames = IdeasReflection.Descriptor.EnumTypes.Single(e => e.Name == nameof(IdeaStatus));

    public override async Task<IdeaCounts> CountIdeas(CountIdeasRequest request, ServerCallContext context)
    {
        var counts = new IdeaCounts();
        foreach (var (status, count) in await store.CountAsync(Check.Id(request.CycleId, "cycle_id"), context.CancellationToken))
        {
            counts.ByStatus[StatusNames.FindValueByNumber((int)status.ToProtoStatus()).Name] = count;
        }
        return counts;
    }

    public override async Task<ListModerationQueueResponse> ListModerationQueue(ListModerationQueueRequest request, ServerCallContext context)
    {
        var size = Check.PageSize(request.PageSize);
        var (rows, waiting) = await store.ModerationQueueAsync(
            Check.OptionalId(request.ProgramId, "program_id"), Check.OptionalId(request.CycleId, "cycle_id"),
            PageToken.Decode(request.PageToken), size + 1, context.CancellationToken);
        var response = new ListModerationQueueResponse { Waiting = waiting };
        response.NextPageToken = Paging.Fill(rows, size, r => (r.SubmittedAt!.Value, r.Id), response.Ideas, r => r.ToProto());
        return response;
    }

    public override async Task<Idea> ApproveIdea(ApproveIdeaRequest request, ServerCallContext context)
    {
        var id = Check.Id(request.IdeaId, "idea_id");
        var moderator = Check.Text(request.ModeratorId, "moderator_id", 64);
        var row = await store.TransitionAsync(id, IdeaState.Approved, moderator, "",
            i => new IdeaApproved(i.Id, i.CycleId, i.Category, i.Tier, moderator), context.CancellationToken);
        return row.ToProto();
    }

    public override async Task<Idea> RejectIdea(RejectIdeaRequest request, ServerCallContext context)
    {
        var id = Check.Id(request.IdeaId, "idea_id");
        var moderator = Check.Text(request.ModeratorId, "moderator_id", 64);
        var reason = Check.Text(request.Reason, "reason", 500);
        var row = await store.TransitionAsync(id, IdeaState.Rejected, moderator, reason,
            i => new IdeaRejected(i.Id, i.CycleId, moderator, reason), context.CancellationToken);
        return row.ToProto();
    }

    /// <summary>The cycle's terms from Grants, if it takes submissions now and offers the tier and category.</summary>
    private async Task<CycleTerms> CycleTakingSubmissionsAsync(Guid cycleId, string tierName, string category, ServerCallContext context)
    {
        var cycle = await CycleAsync(cycleId, context);
        if (!cycle.AcceptingSubmissions)
        {
            throw Check.Precondition(cycle.SubmissionsClosedAt is { } closedAt
                ? $"Cycle {cycleId} stopped taking submissions at {closedAt.ToDateTime():u}; submit to the program's next cycle."
                : $"Cycle {cycleId} is closed to submissions; submit to the program's open cycle.");
        }
        if (cycle.Categories.Count > 0 && cycle.Categories.All(c => c.ToString() != category))
        {
            throw Check.Precondition($"Cycle {cycleId} takes ideas in {string.Join(", ", cycle.Categories.Select(ProtoNames.Of))} only, "
                + $"not {ProtoNames.Of(Enum.Parse<Category>(category))}.");
        }
        if (cycle.Tiers.All(t => t.Name != tierName))
        {
            throw Check.Precondition($"Cycle {cycleId} has no tier '{tierName}'; its tiers are {string.Join(", ", cycle.Tiers.Select(t => t.Name))}.");
        }
        return new CycleTerms(cycleId, Guid.Parse(cycle.ProgramId), cycle.SubmissionCap, cycle.NextCycleOpensAt?.ToDateTime());
    }

    /// <summary>
    /// Takes an approved idea out of the vote before the withdrawal is recorded and answered, so no
    /// vote for it is accepted once WithdrawIdea has answered. Voting refuses once the cycle's vote
    /// has closed (its tally is final): that refusal is the partner's answer.
    /// </summary>
    private async Task LeaveVoteAsync(IdeaRow idea)
    {
        var request = new WithdrawFromVoteRequest
        {
            IdeaId = idea.Id.ToString(), CycleId = idea.CycleId.ToString(), Tier = idea.Tier, Category = System.Enum.Parse<Category>(idea.Category),
        };
        await Downstream.AskAsync(() => voting.WithdrawFromVoteAsync(request, deadline: DateTime.UtcNow.AddSeconds(10)).ResponseAsync,
            $"No cycle has id {idea.CycleId}.", $"the withdrawal of idea {idea.Id} with Voting", StatusCode.FailedPrecondition);
    }

    private Task<Cycle> CycleAsync(Guid cycleId, ServerCallContext context) =>
        // The caller's deadline and cancellation reach Grants by call-context propagation.
        Downstream.AskAsync(() => grants.GetCycleAsync(new GetCycleRequest { CycleId = cycleId.ToString() }).ResponseAsync,
            $"No cycle has id {cycleId}.", $"cycle {cycleId} with Grants");
}
