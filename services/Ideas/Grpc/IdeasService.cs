using ConductorMesh.Contracts;
using ConductorMesh.Grants.V1;
using ConductorMesh.Ideas.Data;
using ConductorMesh.Ideas.Domain;
using ConductorMesh.Ideas.V1;
using ConductorMesh.ServiceDefaults.Grpc;
using Grpc.Core;

namespace ConductorMesh.Ideas.Grpc;

public sealed class IdeasService(IdeasStore store, GrantsApi.GrantsApiClient grants) : IdeasApi.IdeasApiBase
{
    public override async Task<Idea> SubmitIdea(SubmitIdeaRequest request, ServerCallContext context)
    {
        var cycleId = Check.Id(request.CycleId, "cycle_id");
        var title = Check.Text(request.Title, "title", 120, min: 3);
        var description = Check.Text(request.Description, "description", 5000);
        var category = Check.Defined(request.Category, "category");
        var tierName = Check.Text(request.Tier, "tier", 20).ToLowerInvariant();
        var author = Check.Text(request.AuthorMemberId, "author_member_id", 64);
        var key = Check.OptionalText(request.IdempotencyKey, "idempotency_key", 64);

        var cycle = await CycleAsync(cycleId, context);
        if (cycle.Phase != CyclePhase.Open)
        {
            throw Check.Precondition($"Cycle {cycleId} is closed to submissions; submit to the program's open cycle.");
        }
        if (cycle.Tiers.All(t => t.Name != tierName))
        {
            throw Check.Precondition($"Cycle {cycleId} has no tier '{tierName}'; its tiers are {string.Join(", ", cycle.Tiers.Select(t => t.Name))}.");
        }
        var idea = new NewIdea(cycleId, Guid.Parse(cycle.ProgramId), cycle.SubmissionCap, title, description, category.ToString(), tierName, author,
            key.Length == 0 ? null : key);
        return (await store.SubmitAsync(idea, context.CancellationToken)).ToProto();
    }

    public override async Task<Idea> GetIdea(GetIdeaRequest request, ServerCallContext context) =>
        (await store.GetAsync(Check.Id(request.IdeaId, "idea_id"), context.CancellationToken)).ToProto();

    public override async Task<ListIdeasResponse> ListIdeas(ListIdeasRequest request, ServerCallContext context)
    {
        var cycleId = Check.Id(request.CycleId, "cycle_id");
        var size = Check.PageSize(request.PageSize);
        var status = request.Status == IdeaStatus.Unspecified ? null : Check.Defined(request.Status, "status").ToStored();
        var rows = await store.ListAsync(cycleId, status, PageToken.Decode(request.PageToken), size + 1, context.CancellationToken);
        var (items, next) = Paging.Page(rows, size, r => (r.CreatedAt, r.Id));
        var response = new ListIdeasResponse { NextPageToken = next };
        response.Ideas.AddRange(items.Select(r => r.ToProto()));
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

    private async Task<Cycle> CycleAsync(Guid cycleId, ServerCallContext context)
    {
        try
        {
            return await grants.GetCycleAsync(new GetCycleRequest { CycleId = cycleId.ToString() },
                deadline: context.Deadline, cancellationToken: context.CancellationToken);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            throw Check.NotFound($"No cycle has id {cycleId}.");
        }
        catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"Grants could not confirm cycle {cycleId} ({e.Status.Detail}); nothing was submitted, try again."));
        }
    }
}
