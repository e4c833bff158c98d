using ConductorMesh.Community.Data;
using ConductorMesh.Community.V1;
using ConductorMesh.ServiceDefaults.Grpc;
using Grpc.Core;

namespace ConductorMesh.Community.Grpc;

/// <summary>The Community API; members and follows, conversations and elements are in the partial files beside this one.</summary>
public sealed partial class CommunityService(
    MembersStore members, FollowsStore follows, CommentsStore comments, ElementsStore elements, FeedStore feeds, FeedWatch watch, IdeaDirectory ideas)
    : CommunityApi.CommunityApiBase
{
    public override async Task<Feed> GetFeed(GetFeedRequest request, ServerCallContext context)
    {
        var member = Check.Text(request.MemberId, "member_id", 64);
        var size = Check.PageSize(request.PageSize);
        var rows = await feeds.MemberFeedAsync(member, PageToken.Decode(request.PageToken), size + 1, context.CancellationToken);
        return Page(rows, size);
    }

    public override async Task WatchFeed(WatchFeedRequest request, IServerStreamWriter<Activity> responseStream, ServerCallContext context)
    {
        var member = Check.Text(request.MemberId, "member_id", 64);
        using var subscription = await watch.SubscribeAsync(context.CancellationToken);
        // Headers tell the caller the stream is listening: nothing from here on is missed.
        await context.WriteResponseHeadersAsync([]);
        try
        {
            await foreach (var id in subscription.Activities.ReadAllAsync(context.CancellationToken))
            {
                if (await feeds.InMemberFeedAsync(member, id, context.CancellationToken) is { } activity)
                {
                    await responseStream.WriteAsync(activity.ToProto(), context.CancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            // The watcher hung up.
        }
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
        var feed = new Feed();
        feed.NextPageToken = Paging.Fill(rows, size, r => (r.OccurredAt, r.Id), feed.Items, a => a.ToProto());
        return feed;
    }
}
