using ConductorMesh.Community.Data;
using ConductorMesh.Community.V1;
using ConductorMesh.ServiceDefaults.Grpc;
using Grpc.Core;

namespace ConductorMesh.Community.Grpc;

/// <summary>Conversations, shares and views, and the five elements.</summary>
public sealed partial class CommunityService
{
    public override async Task<Comment> PostComment(PostCommentRequest request, ServerCallContext context)
    {
        var authorId = Check.Id(request.AuthorId, "author_id");
        var body = MemberFields.CommentBody(request.Body);
        var parentId = Check.OptionalId(request.ParentId, "parent_id");
        var idea = await ideas.EnsureAsync(Check.Id(request.IdeaId, "idea_id"), context.CancellationToken);
        return (await comments.PostAsync(idea, authorId, body, parentId, context.CancellationToken)).ToProto();
    }

    public override async Task<Comment> EditComment(EditCommentRequest request, ServerCallContext context) =>
        (await comments.EditAsync(Check.Id(request.CommentId, "comment_id"), Check.Id(request.AuthorId, "author_id"),
            MemberFields.CommentBody(request.Body), context.CancellationToken)).ToProto();

    public override async Task<Comment> DeleteComment(DeleteCommentRequest request, ServerCallContext context) =>
        (await comments.DeleteAsync(Check.Id(request.CommentId, "comment_id"), Check.Id(request.AuthorId, "author_id"), context.CancellationToken)).ToProto();

    public override async Task<Comment> ReportComment(ReportCommentRequest request, ServerCallContext context) =>
        (await comments.ReportAsync(Check.Id(request.CommentId, "comment_id"), Check.Id(request.ReporterId, "reporter_id"),
            Check.OptionalText(request.Reason, "reason", 500), context.CancellationToken)).ToProto();

    public override async Task<Comment> ModerateComment(ModerateCommentRequest request, ServerCallContext context) =>
        (await comments.ModerateAsync(Check.Id(request.CommentId, "comment_id"), Check.Text(request.ModeratorId, "moderator_id", 64),
            request.Hide, Check.OptionalText(request.Reason, "reason", 500), context.CancellationToken)).ToProto();

    public override async Task<ListCommentsResponse> ListComments(ListCommentsRequest request, ServerCallContext context)
    {
        var ideaId = Check.Id(request.IdeaId, "idea_id");
        var size = Check.PageSize(request.PageSize);
        var rows = await comments.ThreadAsync(ideaId, PageToken.Decode(request.PageToken)?.Id, size + 1, context.CancellationToken);
        var response = new ListCommentsResponse();
        response.NextPageToken = Paging.Fill(rows, size, c => (c.PostedAt, c.Id), response.Comments, c => c.ToProto());
        return response;
    }

    public override async Task<ShareRecorded> RecordShare(RecordShareRequest request, ServerCallContext context)
    {
        var channel = Check.Defined(request.Channel, "channel");
        var memberId = Check.OptionalId(request.MemberId, "member_id");
        var idea = await ideas.EnsureAsync(Check.Id(request.IdeaId, "idea_id"), context.CancellationToken);
        return new ShareRecorded { Shares = await elements.SharedAsync(idea, memberId, channel.ToString(), context.CancellationToken) };
    }

    public override async Task<ViewRecorded> RecordView(RecordViewRequest request, ServerCallContext context)
    {
        Check.OptionalId(request.MemberId, "member_id");
        var idea = await ideas.EnsureAsync(Check.Id(request.IdeaId, "idea_id"), context.CancellationToken);
        return new ViewRecorded { Views = await elements.ViewedAsync(idea, context.CancellationToken) };
    }

    public override async Task<IdeaElements> GetIdeaElements(GetIdeaElementsRequest request, ServerCallContext context)
    {
        var idea = await ideas.EnsureAsync(Check.Id(request.IdeaId, "idea_id"), context.CancellationToken);
        return (await elements.GetAsync(idea.IdeaId, context.CancellationToken)).ToProto();
    }

    public override async Task<RankIdeasResponse> RankIdeas(RankIdeasRequest request, ServerCallContext context)
    {
        var cycleId = Check.Id(request.CycleId, "cycle_id");
        var element = Check.Defined(request.Element, "element").ToString().ToLowerInvariant();
        var size = Check.PageSize(request.PageSize);
        var offset = PageToken.DecodeOffset(request.PageToken);
        var rows = await elements.RankAsync(cycleId, element, offset, size + 1, context.CancellationToken);
        var response = new RankIdeasResponse { NextPageToken = rows.Count > size ? PageToken.EncodeOffset(offset + size) : "" };
        response.Ideas.AddRange(rows.Take(size).Select(r => r.ToProto()));
        return response;
    }
}
