using ConductorMesh.Community.V1;
using ConductorMesh.Contracts;
using Grpc.Core;

namespace ConductorMesh.IntegrationTests.Community;

/// <summary>Threaded conversations: thread order, authors' edits and deletions, reports that hide, moderators.</summary>
[Collection(MeshCollection.Name)]
public sealed class ConversationTests(MeshFixture mesh)
{
    private readonly People people = new(mesh);
    private readonly Scenario scenario = new(mesh);

    private async Task<string> IdeaAsync(string title)
    {
        var (_, cycle) = await scenario.OpenCycleAsync(1_000_000, Scenario.FiveK);
        return (await scenario.SubmitAsync(cycle, title, "5k", "author-c")).Id;
    }

    private Task<Comment> PostAsync(string idea, Member author, string body, Comment? parent = null) =>
        mesh.Partner.Community.PostCommentAsync(new PostCommentRequest { IdeaId = idea, AuthorId = author.Id, Body = body, ParentId = parent?.Id ?? "" }).ResponseAsync;

    [Fact]
    public async Task A_thread_reads_each_comment_followed_by_its_replies_and_pages()
    {
        var idea = await IdeaAsync("Threaded idea");
        var (ann, bob) = (await people.RegisterAsync("ann"), await people.RegisterAsync("bob"));
        var a = await PostAsync(idea, ann, "First!");
        var b = await PostAsync(idea, bob, "Second thought");
        var a1 = await PostAsync(idea, bob, "Reply to first", a);
        var a1a = await PostAsync(idea, ann, "Reply to the reply", a1);
        var a2 = await PostAsync(idea, ann, "Another reply to first", a);

        var all = new List<Comment>();
        var request = new ListCommentsRequest { IdeaId = idea, PageSize = 2 };
        do
        {
            var page = await mesh.Partner.Community.ListCommentsAsync(request);
            all.AddRange(page.Comments);
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken != "");

        Assert.Equal([(a.Id, 0), (a1.Id, 1), (a1a.Id, 2), (a2.Id, 1), (b.Id, 0)], all.Select(c => (c.Id, c.Depth)));
        Assert.Equal(a.Id, all[1].ParentId);
        var posted = await mesh.Bus.WaitFor<CommentPosted>(e => e.CommentId == Guid.Parse(a1a.Id), "CommentPosted");
        Assert.Equal(Guid.Parse(a1.Id), posted.ParentId);
    }

    [Fact]
    public async Task Only_authors_edit_and_delete_and_a_deleted_comment_keeps_its_replies()
    {
        var idea = await IdeaAsync("Edited idea");
        var (ann, bob) = (await people.RegisterAsync("ann"), await people.RegisterAsync("bob"));
        var comment = await PostAsync(idea, ann, "Typo here");
        var reply = await PostAsync(idea, bob, "I agree", comment);

        var edited = await mesh.Partner.Community.EditCommentAsync(new EditCommentRequest { CommentId = comment.Id, AuthorId = ann.Id, Body = "No typo <i>here</i>" });
        Assert.Equal("No typo <i>here</i>", edited.Body);
        Assert.NotNull(edited.EditedAt);
        await Refused.With(() => mesh.Partner.Community.EditCommentAsync(new EditCommentRequest { CommentId = comment.Id, AuthorId = bob.Id, Body = "hijack" }).ResponseAsync,
            StatusCode.PermissionDenied, "Only its author");
        await Refused.With(() => mesh.Partner.Community.DeleteCommentAsync(new DeleteCommentRequest { CommentId = comment.Id, AuthorId = bob.Id }).ResponseAsync,
            StatusCode.PermissionDenied, "Only its author");

        var deleted = await mesh.Partner.Community.DeleteCommentAsync(new DeleteCommentRequest { CommentId = comment.Id, AuthorId = ann.Id });
        Assert.Equal((CommentState.Deleted, ""), (deleted.State, deleted.Body));
        var thread = (await mesh.Partner.Community.ListCommentsAsync(new ListCommentsRequest { IdeaId = idea })).Comments;
        Assert.Equal([(comment.Id, CommentState.Deleted, ""), (reply.Id, CommentState.Visible, "I agree")], thread.Select(c => (c.Id, c.State, c.Body)));
        await Refused.With(() => PostAsync(idea, bob, "Replying to nothing", comment), StatusCode.FailedPrecondition, "was deleted");
    }

    [Fact]
    public async Task Three_different_reporters_hide_a_comment_until_a_moderator_restores_it()
    {
        var idea = await IdeaAsync("Reported idea");
        var author = await people.RegisterAsync("author");
        var reporters = new[] { await people.RegisterAsync("rep0"), await people.RegisterAsync("rep1"), await people.RegisterAsync("rep2") };
        var comment = await PostAsync(idea, author, "Something rude");
        ReportCommentRequest Report(Member m) => new() { CommentId = comment.Id, ReporterId = m.Id, Reason = "rude" };

        await Refused.With(() => mesh.Partner.Community.ReportCommentAsync(Report(author)).ResponseAsync, StatusCode.FailedPrecondition, "own comments");
        Assert.Equal(1, (await mesh.Partner.Community.ReportCommentAsync(Report(reporters[0]))).Reports);
        Assert.Equal(1, (await mesh.Partner.Community.ReportCommentAsync(Report(reporters[0]))).Reports); // the same member again counts once
        Assert.Equal(CommentState.Visible, (await mesh.Partner.Community.ReportCommentAsync(Report(reporters[1]))).State);
        var hidden = await mesh.Partner.Community.ReportCommentAsync(Report(reporters[2]));
        Assert.Equal((CommentState.Hidden, 3, ""), (hidden.State, hidden.Reports, hidden.Body));
        var byReports = await mesh.Bus.WaitFor<CommentHidden>(e => e.CommentId == Guid.Parse(comment.Id), "CommentHidden");
        Assert.Equal("reports", byReports.HiddenBy);

        var restored = await mesh.Community.ModerateCommentAsync(new ModerateCommentRequest { CommentId = comment.Id, ModeratorId = "mod-1", Hide = false });
        Assert.Equal((CommentState.Visible, 0, "Something rude"), (restored.State, restored.Reports, restored.Body));
        Assert.Equal(1, (await mesh.Partner.Community.ReportCommentAsync(Report(reporters[0]))).Reports); // reports start over after review

        var moderated = await mesh.Community.ModerateCommentAsync(new ModerateCommentRequest { CommentId = comment.Id, ModeratorId = "mod-2", Hide = true, Reason = "off-topic" });
        Assert.Equal(CommentState.Hidden, moderated.State);
        await mesh.Bus.WaitFor<CommentHidden>(e => e.CommentId == Guid.Parse(comment.Id) && e.HiddenBy == "mod-2" && e.Reason == "off-topic", "CommentHidden by the moderator");
    }
}
