using ConductorMesh.Community.V1;
using ConductorMesh.Contracts;
using ConductorMesh.Grants.V1;
using ConductorMesh.Ideas.V1;
using ConductorMesh.Voting.V1;

namespace ConductorMesh.IntegrationTests.Community;

/// <summary>Feeds built from the other services' events, live on a stream; and the five elements after a scripted mix.</summary>
[Collection(MeshCollection.Name)]
public sealed class FeedAndElementsTests(MeshFixture mesh)
{
    private readonly People people = new(mesh);
    private readonly Scenario scenario = new(mesh);

    private Task<Feed> FeedAsync(Member member, Func<Feed, bool> done, string what) =>
        Eventually.Get(() => mesh.Partner.Community.GetFeedAsync(new GetFeedRequest { MemberId = member.Id, PageSize = 200 }).ResponseAsync, done, what);

    /// <summary>The first activity on the stream that matches; others (earlier events still arriving) pass by.</summary>
    private static bool Has(Feed feed, ActivityKind kind, string ideaId) => feed.Items.Any(i => i.Kind == kind && i.IdeaId == ideaId);

    [Fact]
    public async Task A_feed_gathers_what_happens_to_followed_ideas_and_members_and_streams_it()
    {
        var reader = await people.RegisterAsync("reader");
        var author = await people.RegisterAsync("author");
        var commenter = await people.RegisterAsync("commenter");
        var (_, cycle) = await scenario.OpenCycleAsync(1_000_000, new Tier { Name = "5k", AmountMinor = 5_000_00, Slots = 2 });
        var followedIdea = await scenario.ApprovedAsync(cycle, "Followed idea", "5k", "someone-else");
        var unrelated = await scenario.ApprovedAsync(cycle, "Unrelated idea", "5k", "someone-else");
        await mesh.Partner.Community.FollowAsync(new FollowRequest { FollowerId = reader.Id, IdeaId = followedIdea.Id });
        await mesh.Partner.Community.FollowAsync(new FollowRequest { FollowerId = reader.Id, MemberId = author.Id });
        var authorsIdea = await scenario.ApprovedAsync(cycle, "The author's idea", "5k", author.Id);

        using var live = mesh.Partner.Community.WatchFeed(new WatchFeedRequest { MemberId = reader.Id });
        await live.ResponseHeadersAsync; // sent once the stream is listening
        using var streamTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var commentStreamed = live.ResponseStream.FirstMatchAsync(a => a.Kind == ActivityKind.CommentPosted && a.IdeaId == followedIdea.Id, streamTimeout.Token);
        await mesh.Partner.Community.PostCommentAsync(new PostCommentRequest { IdeaId = followedIdea.Id, AuthorId = commenter.Id, Body = "Love it" });
        using var call = mesh.Partner.Voting.CastVotes(); // a text-message gateway, for its members
        foreach (var fan in await mesh.NewMembersAsync(100, "fan"))
        {
            await call.RequestStream.WriteAsync(new CastVoteRequest { VoterId = fan, IdeaId = followedIdea.Id, Channel = VoteChannel.Sms });
        }
        await call.RequestStream.CompleteAsync();
        await call.ResponseAsync;
        await mesh.Grants.CloseCycleAsync(new CloseCycleRequest { CycleId = cycle.Id });

        var feed = await FeedAsync(reader,
            f => Has(f, ActivityKind.GrantAwarded, followedIdea.Id) && Has(f, ActivityKind.VoteMilestone, followedIdea.Id)
                 && Has(f, ActivityKind.CommentPosted, followedIdea.Id) && Has(f, ActivityKind.IdeaApproved, authorsIdea.Id),
            "the followed idea's award, milestone and comment, and the followed member's idea");
        Assert.DoesNotContain(feed.Items, i => i.IdeaId == unrelated.Id);
        Assert.Equal(feed.Items.OrderByDescending(i => i.OccurredAt.ToDateTime()).Select(i => i.Id), feed.Items.Select(i => i.Id));
        var authorFeed = await FeedAsync(author, f => f.Items.Any(i => i.Kind == ActivityKind.NewFollower), "the new follower in the author's feed");
        Assert.Contains("started following you", authorFeed.Items.First(i => i.Kind == ActivityKind.NewFollower).Summary);

        Assert.Contains("commented on \"Followed idea\"", (await commentStreamed).Summary);

        // A redelivered event changes nothing.
        var approved = (IdeaApproved)mesh.Bus.AboutIdea(Guid.Parse(authorsIdea.Id)).First(e => e is IdeaApproved);
        var before = (await Eventually.Get(() => mesh.Partner.Community.ListIdeaActivityAsync(new ListIdeaActivityRequest { IdeaId = authorsIdea.Id }).ResponseAsync,
            f => f.Items.Any(i => i.Kind == ActivityKind.IdeaSubmitted) && f.Items.Any(i => i.Kind == ActivityKind.IdeaApproved), "the idea's first two activities")).Items.Count;
        await mesh.Bus.ReplayAsync(approved);
        await mesh.Bus.ReplayAsync(new IdeaMilestoneReached(Guid.Parse(authorsIdea.Id), Guid.Parse(cycle.Id), 100, 100)); // a new event, after the replay
        var after = await Eventually.Get(() => mesh.Partner.Community.ListIdeaActivityAsync(new ListIdeaActivityRequest { IdeaId = authorsIdea.Id }).ResponseAsync,
            f => f.Items.Any(i => i.Kind == ActivityKind.VoteMilestone), "the event published after the replay");
        Assert.Equal(before + 1, after.Items.Count);
    }

    [Fact]
    public async Task The_five_elements_follow_views_shares_follows_comments_and_votes()
    {
        var (_, cycle) = await scenario.OpenCycleAsync(1_000_000, Scenario.FiveK);
        var idea = await scenario.ApprovedAsync(cycle, "Measured idea", "5k", "author-e");
        var quiet = await scenario.ApprovedAsync(cycle, "Quiet idea", "5k", "author-q");
        var (m1, m2) = (await people.RegisterAsync("m1"), await people.RegisterAsync("m2"));

        for (var i = 0; i < 3; i++)
        {
            await mesh.Partner.Community.RecordViewAsync(new RecordViewRequest { IdeaId = idea.Id });
        }
        await mesh.Partner.Community.RecordShareAsync(new RecordShareRequest { IdeaId = idea.Id, MemberId = m1.Id, Channel = ShareChannel.Social });
        Assert.Equal(2, (await mesh.Partner.Community.RecordShareAsync(new RecordShareRequest { IdeaId = idea.Id, Channel = ShareChannel.Email })).Shares);
        await mesh.Partner.Community.FollowAsync(new FollowRequest { FollowerId = m1.Id, IdeaId = idea.Id });
        await mesh.Partner.Community.FollowAsync(new FollowRequest { FollowerId = m2.Id, IdeaId = idea.Id });
        var comment = await mesh.Partner.Community.PostCommentAsync(new PostCommentRequest { IdeaId = idea.Id, AuthorId = m1.Id, Body = "Count me in" });
        await mesh.Partner.Community.PostCommentAsync(new PostCommentRequest { IdeaId = idea.Id, AuthorId = m1.Id, Body = "And my neighbours", ParentId = comment.Id });
        // Three voters, one of them m1 (a member votes as their member id): the audience counts m1 once.
        foreach (var voter in new[] { m1.Id, "+15550001", "+15550002" })
        {
            await mesh.Voting.CastVoteAsync(new CastVoteRequest { VoterId = voter, IdeaId = idea.Id, Channel = VoteChannel.Web }, mesh.AsMember(voter));
        }
        await mesh.Voting.CastVoteAsync(new CastVoteRequest { VoterId = "+15550003", IdeaId = quiet.Id, Channel = VoteChannel.Sms }, mesh.AsMember("+15550003"));

        var elements = await Eventually.Get(() => mesh.Partner.Community.GetIdeaElementsAsync(new GetIdeaElementsRequest { IdeaId = idea.Id }).ResponseAsync,
            e => e.Action == 3, "the votes to reach Community");
        Assert.Equal((3L, 2L, 4L, 4L, 3L), (elements.Attention, elements.Awareness, elements.Affinity, elements.Audience, elements.Action));
        await mesh.Bus.WaitFor<IdeaShared>(e => e.IdeaId == Guid.Parse(idea.Id) && e.MemberId == Guid.Parse(m1.Id) && e.Channel == "Social", "IdeaShared");

        await Eventually.Get(() => mesh.Partner.Community.GetIdeaElementsAsync(new GetIdeaElementsRequest { IdeaId = quiet.Id }).ResponseAsync, e => e.Action == 1, "the quiet idea's vote");
        var byAction = await mesh.Partner.Community.RankIdeasAsync(new RankIdeasRequest { CycleId = cycle.Id, Element = Element.Action, PageSize = 1 });
        var next = await mesh.Partner.Community.RankIdeasAsync(new RankIdeasRequest { CycleId = cycle.Id, Element = Element.Action, PageSize = 1, PageToken = byAction.NextPageToken });
        Assert.Equal([idea.Id, quiet.Id], byAction.Ideas.Concat(next.Ideas).Select(i => i.IdeaId));
        await Refused.With(() => mesh.Partner.Community.RankIdeasAsync(new RankIdeasRequest { CycleId = cycle.Id }).ResponseAsync, Grpc.Core.StatusCode.InvalidArgument, "element");
    }
}
