using System.Diagnostics;
using System.Text.Json;
using ConductorMesh.Community.V1;
using ConductorMesh.Grants.V1;
using ConductorMesh.Ideas.V1;
using ConductorMesh.Voting.V1;
using Grpc.Core;
using ConductorMesh.ServiceDefaults.Messaging;

namespace ConductorMesh.IntegrationTests;

/// <summary>
/// Two replicas of every service, called directly and side by side as a load balancer would
/// spread partners over them: the rules stay exact, one replica counts the votes and another
/// takes over when it dies, each event leaves once, and live streams work from either replica.
/// </summary>
[Collection(ReplicatedMeshCollection.Name)]
public sealed class ReplicaTests(ReplicatedMeshFixture mesh)
{
    private readonly Scenario scenario = new(mesh);

    private static CastVoteRequest Vote(string voter, Idea idea) => new() { VoterId = voter, IdeaId = idea.Id, Channel = VoteChannel.Web };

    [Fact]
    public async Task The_allowance_and_one_vote_per_idea_a_day_hold_across_replicas()
    {
        var (program, cycle) = await scenario.OpenCycleAsync(
            new CreateProgramRequest { Name = "Replicated allowance", BudgetMinor = 1_000_000, DailyVoteAllowance = 7 }, 0, Scenario.FiveK);
        var ideas = await Task.WhenAll(Enumerable.Range(0, 25).Select(i => scenario.ApprovedAsync(cycle, $"Idea number {i}", "5k", $"author-{i}")));
        var voter = await mesh.NewMemberAsync("voter");

        // A hundred votes at once, every other one to the second replica; each idea gets four. Each
        // replica lets twenty of them past the member's limit, more than the allowance.
        var outcomes = await Scenario.AllAtOnceAsync(100, i => mesh.Replica(1 + i % 2).Voting.CastVoteAsync(Vote(voter, ideas[i % 25])).ResponseAsync);

        var accepted = outcomes.Where(o => o.Item1 == StatusCode.OK).Select(o => o.Item2).ToList();
        Assert.Equal(7, accepted.Count);
        Assert.Equal(7, accepted.Distinct().Count());
        Assert.All(outcomes.Where(o => o.Item1 != StatusCode.OK), o => Assert.Contains(o.Item1, new[] { StatusCode.ResourceExhausted, StatusCode.AlreadyExists }));
        foreach (var replica in new[] { 1, 2 })
        {
            var allowance = await Scenario.PacedAsync(() => mesh.Replica(replica).Voting.GetAllowanceAsync(new GetAllowanceRequest { VoterId = voter, ProgramId = program.Id }).ResponseAsync);
            Assert.Equal((0, 7), (allowance.VotesLeftToday, allowance.DailyAllowance));
        }
    }

    [Fact]
    public async Task One_replica_counts_the_votes_and_the_other_takes_over_within_seconds_when_it_dies()
    {
        var (_, cycle) = await scenario.OpenCycleAsync(1_000_000, Scenario.FiveK);
        var idea = await scenario.ApprovedAsync(cycle, "Counted by one", "5k", "author-leader");
        var leader = await Eventually.Get(TallyLeadersAsync, l => l.Count == 1, "one replica to lead the tally");
        await CastThroughBothAsync(idea, 4);
        await scenario.BoardAsync(new GetLeaderboardRequest { CycleId = cycle.Id }, (idea.Id, 4));
        var survivor = leader[0] == "voting" ? "voting-2" : "voting";
        var pid = mesh.System.ProcessId(leader[0]) ?? throw new InvalidOperationException($"{leader[0]} has no process id");

        var clock = Stopwatch.StartNew();
        Process.GetProcessById(pid).Kill(); // SIGKILL: its session lock goes with its connection

        var next = await Eventually.Get(TallyLeadersAsync, l => l.Count == 1 && l[0] == survivor, $"{survivor} to lead the tally", seconds: 30);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"{survivor} took the lead after {clock.Elapsed.TotalSeconds:0.0} s");
        var survivorReplica = survivor == "voting" ? 1 : 2;
        for (var i = 0; i < 3; i++)
        {
            await mesh.Replica(survivorReplica).Voting.CastVoteAsync(Vote(await mesh.NewMemberAsync("voter"), idea));
        }
        var board = await Eventually.Get(() => mesh.Replica(survivorReplica).Voting.GetLeaderboardAsync(new GetLeaderboardRequest { CycleId = cycle.Id }).ResponseAsync,
            b => b.Entries.Count == 1 && b.Entries[0].Votes == 7, "the survivor to count the new votes");
        Assert.Equal(idea.Id, board.Entries[0].IdeaId);
        Assert.Equal([survivor], next);
        // The killed replica comes back, and waits behind the leader.
        await mesh.App.ResourceNotifications.WaitForResourceHealthyAsync(leader[0]);
        Assert.Equal([survivor], await TallyLeadersAsync());
    }

    [Fact]
    public async Task Each_event_leaves_the_outbox_once_when_both_replicas_relay()
    {
        var (_, cycle) = await scenario.OpenCycleAsync(1_000_000, new Tier { Name = "5k", AmountMinor = 5_000_00, Slots = 40 });
        await using var tap = await BrokerTap.OpenAsync(mesh, "ConductorMesh.Contracts:IdeaSubmitted");

        // Forty submissions at once, half through each replica: both relays publish from the one outbox.
        var authors = await mesh.NewMembersAsync(40, "author");
        var ideas = await Task.WhenAll(authors.Select((author, i) =>
            mesh.Replica(1 + i % 2).Ideas.SubmitIdeaAsync(Scenario.Submission(cycle, $"Submitted {i}", "5k", author)).ResponseAsync));
        var ours = ideas.Select(i => i.Id).ToHashSet();
        await Eventually.Get(UnsentOutboxRowsAsync, n => n == 0, "the ideas outbox to be sent");

        // Every publish confirmed by the broker is in the queue by now.
        var delivered = (await tap.TakeAllAsync()).Select(body => JsonDocument.Parse(body).RootElement.GetProperty("message"))
            .Select(payload => (EventId: payload.GetProperty("eventId").GetString()!, IdeaId: payload.GetProperty("ideaId").GetString()!)).ToList();
        var ofOurs = delivered.Where(d => ours.Contains(d.IdeaId)).ToList();
        Assert.Equal(40, ofOurs.Count);
        Assert.Equal(40, ofOurs.Select(d => d.EventId).Distinct().Count());
        Assert.Equal(ours.Order(), ofOurs.Select(d => d.IdeaId).Order());
    }

    [Fact]
    public async Task Leaderboard_and_feed_streams_work_from_either_replica()
    {
        var (_, cycle) = await scenario.OpenCycleAsync(1_000_000, Scenario.FiveK);
        var idea = await scenario.ApprovedAsync(cycle, "Watched from both", "5k", "author-streams");
        var reader = await mesh.NewMemberAsync("reader");
        await mesh.Partner.Community.FollowAsync(new FollowRequest { FollowerId = reader, IdeaId = idea.Id });
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var boards = new[] { 1, 2 }.Select(r => mesh.Replica(r).Voting.WatchLeaderboard(new GetLeaderboardRequest { CycleId = cycle.Id }, cancellationToken: deadline.Token)).ToList();
        var feeds = new[] { 1, 2 }.Select(r => mesh.Replica(r).Community.WatchFeed(new WatchFeedRequest { MemberId = reader }, cancellationToken: deadline.Token)).ToList();
        try
        {
            foreach (var feed in feeds)
            {
                await feed.ResponseHeadersAsync; // sent once the stream is listening
            }
            var boardsSeeTwo = boards.Select(b => b.ResponseStream.FirstMatchAsync(l => l.Entries.Any(e => e.IdeaId == idea.Id && e.Votes == 2), deadline.Token)).ToList();
            var feedsSeeComment = feeds.Select(f => f.ResponseStream.FirstMatchAsync(a => a.Kind == ConductorMesh.Community.V1.ActivityKind.CommentPosted && a.IdeaId == idea.Id, deadline.Token)).ToList();

            await CastThroughBothAsync(idea, 2);
            var commenter = await mesh.NewMemberAsync("commenter");
            await mesh.Replica(2).Community.PostCommentAsync(new PostCommentRequest { IdeaId = idea.Id, AuthorId = commenter, Body = "Seen everywhere" });

            Assert.All(await Task.WhenAll(boardsSeeTwo), b => Assert.Equal(idea.Id, b.Entries[0].IdeaId));
            var streamed = await Task.WhenAll(feedsSeeComment);
            Assert.Single(streamed.Select(a => a.Id).Distinct());
            Assert.Contains("commented on \"Watched from both\"", streamed[0].Summary);
        }
        finally
        {
            boards.ForEach(b => b.Dispose());
            feeds.ForEach(f => f.Dispose());
        }
    }

    private async Task CastThroughBothAsync(Idea idea, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await mesh.Replica(1 + i % 2).Voting.CastVoteAsync(Vote(await mesh.NewMemberAsync("voter"), idea));
        }
    }

    /// <summary>The replicas holding the tally's PostgreSQL session lock, by the names they give PostgreSQL.</summary>
    private async Task<List<string>> TallyLeadersAsync() =>
        ((string)(await mesh.SqlAsync("votingdb",
            """
            SELECT coalesce(string_agg(a.application_name, ','), '') FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND ((l.classid::bigint << 32) | l.objid::bigint) = x'766F74696E67'::bigint
            """))!).Split(',', StringSplitOptions.RemoveEmptyEntries).ToList();

    /// <summary>Events waiting in Ideas' outbox, by the query the relay and the console read the backlog with.</summary>
    private async Task<long> UnsentOutboxRowsAsync() => (long)(await mesh.SqlAsync("ideasdb", Outbox.BacklogSql))!;
}
