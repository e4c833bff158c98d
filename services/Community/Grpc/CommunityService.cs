using ConductorMesh.Community.Data;
using ConductorMesh.Community.Domain;
using ConductorMesh.Community.V1;
using ConductorMesh.ServiceDefaults.Grpc;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace ConductorMesh.Community.Grpc;

public sealed class CommunityService(FeedStore feeds) : CommunityApi.CommunityApiBase
{
    public override async Task<Feed> GetFeed(GetFeedRequest request, ServerCallContext context)
    {
        var member = Check.Text(request.MemberId, "member_id", 64);
        var size = Check.PageSize(request.PageSize);
        var rows = await feeds.MemberFeedAsync(member, PageToken.Decode(request.PageToken), size + 1, context.CancellationToken);
        return Page(rows, size);
    }

    public override async Task<Feed> ListIdeaActivity(ListIdeaActivityRequest request, ServerCallContext context)
    {
        var ideaId = Check.Id(request.IdeaId, "idea_id");
        var size = Check.PageSize(request.PageSize);
        var rows = await feeds.IdeaActivityAsync(ideaId, PageToken.Decode(request.PageToken), size + 1, context.CancellationToken);
        return Page(rows, size);
    }

    private static Feed Page(IReadOnlyList<ActivityRow> rows, int size)
    {
        var (items, next) = Paging.Page(rows, size, r => (r.OccurredAt, r.Id));
        var feed = new Feed { NextPageToken = next };
        feed.Items.AddRange(items.Select(ToProto));
        return feed;
    }

    private static Activity ToProto(ActivityRow a) => new()
    {
        Id = a.Id.ToString(),
        Kind = a.Kind switch
        {
            ActivityKinds.IdeaSubmitted => ActivityKind.IdeaSubmitted,
            ActivityKinds.IdeaApproved => ActivityKind.IdeaApproved,
            ActivityKinds.GrantAwarded => ActivityKind.GrantAwarded,
            _ => ActivityKind.Unspecified,
        },
        IdeaId = a.IdeaId.ToString(),
        CycleId = a.CycleId.ToString(),
        Summary = a.Summary,
        OccurredAt = Timestamp.FromDateTime(a.OccurredAt),
    };
}
