using ConductorMesh.Community.V1;
using ConductorMesh.ServiceDefaults.Grpc;
using Grpc.Core;

namespace ConductorMesh.Community.Grpc;

/// <summary>Members and follows.</summary>
public sealed partial class CommunityService
{
    public override async Task<Member> RegisterMember(RegisterMemberRequest request, ServerCallContext context) =>
        (await members.RegisterAsync(MemberFields.Handle(request.Handle), MemberFields.DisplayName(request.DisplayName),
            MemberFields.Bio(request.Bio), MemberFields.Location(request.Location), MemberFields.Partner(request.Partner, context), context.CancellationToken)).ToProto();

    public override async Task<Member> GetMember(GetMemberRequest request, ServerCallContext context) =>
        (string.IsNullOrWhiteSpace(request.MemberId)
            ? await members.GetByHandleAsync(Check.Text(request.Handle, "handle", 30), context.CancellationToken)
            : await members.GetAsync(Check.Id(request.MemberId, "member_id"), context.CancellationToken)).ToProto();

    public override async Task<Member> UpdateMember(UpdateMemberRequest request, ServerCallContext context)
    {
        var id = Check.Id(request.MemberId, "member_id");
        var mask = Check.Mask(request.UpdateMask, "display_name", "bio", "location");
        return (await members.UpdateAsync(id,
            mask.Contains("display_name") ? MemberFields.DisplayName(request.DisplayName) : null,
            mask.Contains("bio") ? MemberFields.Bio(request.Bio) : null,
            mask.Contains("location") ? MemberFields.Location(request.Location) : null, context.CancellationToken)).ToProto();
    }

    public override async Task<Member> SuspendMember(SuspendMemberRequest request, ServerCallContext context)
    {
        var id = Check.Id(request.MemberId, "member_id");
        Check.Text(request.ModeratorId, "moderator_id", 64);
        return (await members.SuspendAsync(id, Check.Text(request.Reason, "reason", 500), context.CancellationToken)).ToProto();
    }

    public override Task<FollowResponse> Follow(FollowRequest request, ServerCallContext context) => FollowAsync(request, follow: true, context);

    public override Task<FollowResponse> Unfollow(FollowRequest request, ServerCallContext context) => FollowAsync(request, follow: false, context);

    public override async Task<ListFollowsResponse> ListFollowers(ListFollowersRequest request, ServerCallContext context)
    {
        var (column, id) = string.IsNullOrWhiteSpace(request.IdeaId)
            ? ("member_id", (await members.GetAsync(Check.Id(request.MemberId, "member_id"), context.CancellationToken)).Id)
            : ("idea_id", (await ideas.EnsureAsync(Check.Id(request.IdeaId, "idea_id"), context.CancellationToken)).IdeaId);
        return await ListFollowsAsync(column, id, request.PageSize, request.PageToken, context);
    }

    public override async Task<ListFollowsResponse> ListFollowing(ListFollowingRequest request, ServerCallContext context)
    {
        var member = await members.GetAsync(Check.Id(request.MemberId, "member_id"), context.CancellationToken);
        return await ListFollowsAsync("follower_id", member.Id, request.PageSize, request.PageToken, context);
    }

    private async Task<FollowResponse> FollowAsync(FollowRequest request, bool follow, ServerCallContext context)
    {
        var followerId = Check.Id(request.FollowerId, "follower_id");
        var ct = context.CancellationToken;
        if (string.IsNullOrWhiteSpace(request.IdeaId) == string.IsNullOrWhiteSpace(request.MemberId))
        {
            throw Check.Invalid("member_id", "give exactly one of member_id and idea_id");
        }
        if (!string.IsNullOrWhiteSpace(request.MemberId))
        {
            var memberId = Check.Id(request.MemberId, "member_id");
            if (memberId == followerId)
            {
                throw Check.Invalid("member_id", "members cannot follow themselves");
            }
            var followers = follow ? await follows.FollowMemberAsync(followerId, memberId, ct) : await follows.UnfollowMemberAsync(followerId, memberId, ct);
            return new FollowResponse { Following = follow, Followers = followers };
        }
        var idea = await ideas.EnsureAsync(Check.Id(request.IdeaId, "idea_id"), ct);
        var ideaFollowers = follow ? await follows.FollowIdeaAsync(followerId, idea, ct) : await follows.UnfollowIdeaAsync(followerId, idea, ct);
        return new FollowResponse { Following = follow, Followers = ideaFollowers };
    }

    private async Task<ListFollowsResponse> ListFollowsAsync(string column, Guid id, int pageSize, string pageToken, ServerCallContext context)
    {
        var size = Check.PageSize(pageSize);
        var rows = await follows.ListAsync(column, id, PageToken.Decode(pageToken), size + 1, context.CancellationToken);
        var response = new ListFollowsResponse();
        response.NextPageToken = Paging.Fill(rows, size, f => (f.FollowedAt, f.Id), response.Follows, f => f.ToProto());
        return response;
    }
}
