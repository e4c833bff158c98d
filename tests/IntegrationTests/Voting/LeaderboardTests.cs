using ConductorMesh.Contracts;
using ConductorMesh.Grants.V1;
using ConductorMesh.Ideas.V1;
using ConductorMesh.ServiceDefaults.Auth;
using ConductorMesh.Voting.V1;
using Grpc.Core;
using StackExchange.Redis;

namespace ConductorMesh.IntegrationTests.Voting;

/// <summary>Leaderboards: pages and standings, the live stream, rebuilds from the vote log, hidden standings and the events of the tally.</summary>
[Collection(MeshCollection.Name)]
public sealed class LeaderboardTests(MeshFixture mesh)
{
    private readonly Scenario scenario = new(mesh);

    private async Task<(Cycle Cycle, Idea[] Ideas)> VotedCycleAsync(params int[] votes)
    {
        var (_, cycle) = await scenario.OpenCycleAsync(1_000_000, Scenario.FiveK, new Tier { Name = "big", AmountMinor = 50_000_00, Slots = 1 });
        var ideas = new Idea[votes.Length];
        for (var i = 0; i < votes.Length; i++)
        {
            ideas[i] = await scenario.ApprovedAsync(cycle, $"Contender {i}", i % 2 == 0 ? "5k" : "big", $"author-{i}", i < 2 ? Category.Health : Category.Education);
            await scenario.VoteAsync(ideas[i], votes[i]);
        }
        return (cycle, ideas);
    }

    [Fact]
    public async Task Pages_follow_the_standings_and_an_idea_knows_its_ranks()
    {
        var (cycle, ideas) = await VotedCycleAsync(5, 4, 3, 2, 1);
        var all = new GetLeaderboardRequest { CycleId = cycle.Id };
        await scenario.BoardAsync(all, ideas.Select((idea, i) => (idea.Id, 5L - i)).ToArray());

        var first = await mesh.Voting.GetLeaderboardAsync(new GetLeaderboardRequest { CycleId = cycle.Id, Top = 2 });
        var second = await mesh.Voting.GetLeaderboardAsync(new GetLeaderboardRequest { CycleId = cycle.Id, Top = 2, PageToken = first.NextPageToken });
        var last = await mesh.Voting.GetLeaderboardAsync(new GetLeaderboardRequest { CycleId = cycle.Id, Top = 2, PageToken = second.NextPageToken });

        Assert.Equal([1, 2, 3, 4, 5], first.Entries.Concat(second.Entries).Concat(last.Entries).Select(e => e.Rank));
        Assert.Equal(ideas.Select(i => i.Id), first.Entries.Concat(second.Entries).Concat(last.Entries).Select(e => e.IdeaId));
        Assert.Equal("", last.NextPageToken);

        var standing = await mesh.Voting.GetIdeaStandingAsync(new GetIdeaStandingRequest { IdeaId = ideas[3].Id });
        Assert.Equal((2L, 4, 2, 2), (standing.Votes, standing.Rank, standing.TierRank, standing.CategoryRank));
    }

    [Fact]
    public async Task The_stream_pushes_new_standings_soon_after_the_votes()
    {
        var (cycle, ideas) = await VotedCycleAsync(2, 1);
        await scenario.BoardAsync(new GetLeaderboardRequest { CycleId = cycle.Id }, (ideas[0].Id, 2), (ideas[1].Id, 1));
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var watch = mesh.Voting.WatchLeaderboard(new GetLeaderboardRequest { CycleId = cycle.Id }, cancellationToken: deadline.Token);

        Assert.True(await watch.ResponseStream.MoveNext(deadline.Token));
        Assert.Equal([(ideas[0].Id, 2L), (ideas[1].Id, 1L)], watch.ResponseStream.Current.Entries.Select(e => (e.IdeaId, e.Votes)));

        await scenario.VoteAsync(ideas[1], 2);
        var seen = new List<Leaderboard>();
        while (await watch.ResponseStream.MoveNext(deadline.Token))
        {
            seen.Add(watch.ResponseStream.Current);
            // With both votes in, the second idea leads with 3 (after one, the first leads the 2-2 tie: it got there first).
            if (watch.ResponseStream.Current.Entries.Any(e => e.IdeaId == ideas[1].Id && e.Votes == 3))
            {
                break;
            }
        }
        Assert.Equal([(ideas[1].Id, 3L), (ideas[0].Id, 2L)], seen.Last().Entries.Select(e => (e.IdeaId, e.Votes)));
        // Bursts are coalesced: never more updates than votes.
        Assert.InRange(seen.Count, 1, 2);
    }

    [Fact]
    public async Task A_flushed_redis_is_rebuilt_to_exactly_the_vote_log_on_request_and_on_start()
    {
        var (cycle, ideas) = await VotedCycleAsync(3, 2, 1);
        var overall = new GetLeaderboardRequest { CycleId = cycle.Id };
        var tier = new GetLeaderboardRequest { CycleId = cycle.Id, Tier = "5k" };
        await scenario.BoardAsync(overall, (ideas[0].Id, 3), (ideas[1].Id, 2), (ideas[2].Id, 1));
        var redis = await mesh.ConnectionStringAsync("redis") + ",allowAdmin=true";
        async Task FlushAsync()
        {
            await using var connection = await ConnectionMultiplexer.ConnectAsync(redis);
            await connection.GetServers().Single().FlushAllDatabasesAsync();
        }

        // A board's first page is answered from memory for up to BoardPages.MaxAge after Redis loses it.
        await FlushAsync();
        await scenario.BoardAsync(overall);
        var rebuilt = await mesh.Voting.RebuildLeaderboardsAsync(new RebuildLeaderboardsRequest { CycleId = cycle.Id });
        Assert.Equal((1, 3), (rebuilt.Cycles, rebuilt.Ideas));
        await scenario.BoardAsync(overall, (ideas[0].Id, 3), (ideas[1].Id, 2), (ideas[2].Id, 1));
        await scenario.BoardAsync(tier, (ideas[0].Id, 3), (ideas[2].Id, 1));

        await FlushAsync();
        await mesh.StopAsync("voting");
        await mesh.StartAsync("voting");
        await scenario.BoardAsync(overall, (ideas[0].Id, 3), (ideas[1].Id, 2), (ideas[2].Id, 1));
        var final = await mesh.Voting.FinalizeCycleAsync(new FinalizeCycleRequest { CycleId = cycle.Id });
        Assert.Equal([(ideas[0].Id, 3L), (ideas[1].Id, 2L), (ideas[2].Id, 1L)], final.Tallies.Select(t => (t.IdeaId, t.Votes)));
    }

    [Fact]
    public async Task A_tie_is_ranked_on_the_board_as_the_awards_rank_it_and_a_closed_board_is_final()
    {
        // Three ideas of one 1-slot tier reach two votes each; the one that got there first is
        // ahead on the board, and wins.
        var (_, cycle) = await scenario.OpenCycleAsync(1_000_000, Scenario.FiveK);
        var ideas = new List<Idea>();
        for (var i = 0; i < 3; i++)
        {
            ideas.Add(await scenario.ApprovedAsync(cycle, $"Tied {i}", "5k", $"author-tie-{i}"));
        }
        foreach (var i in new[] { 2, 0, 1 })
        {
            await scenario.VoteAsync(ideas[i], 2);
        }
        var overall = new GetLeaderboardRequest { CycleId = cycle.Id };
        var board = await scenario.BoardAsync(overall, (ideas[2].Id, 2), (ideas[0].Id, 2), (ideas[1].Id, 2));
        var standing = await mesh.Voting.GetIdeaStandingAsync(new GetIdeaStandingRequest { IdeaId = ideas[0].Id });
        Assert.Equal((2L, 2), (standing.Votes, standing.Rank));

        await mesh.Grants.CloseCycleAsync(new CloseCycleRequest { CycleId = cycle.Id });
        var results = await mesh.Grants.GetCycleResultsAsync(new GetCycleRequest { CycleId = cycle.Id });
        Assert.Equal(ideas[2].Id, results.Awards.Single().IdeaId);
        var final = await mesh.Voting.FinalizeCycleAsync(new FinalizeCycleRequest { CycleId = cycle.Id });
        Assert.Equal(board.Entries.Select(e => e.IdeaId), final.Tallies.Select(t => t.IdeaId));

        // Closed, the board is read from the final tallies: a flushed Redis and a rebuild leave it as it was.
        var redis = await mesh.ConnectionStringAsync("redis") + ",allowAdmin=true";
        await using (var connection = await ConnectionMultiplexer.ConnectAsync(redis))
        {
            await connection.GetServers().Single().FlushAllDatabasesAsync();
        }
        var rebuilt = await mesh.Voting.RebuildLeaderboardsAsync(new RebuildLeaderboardsRequest { CycleId = cycle.Id });
        Assert.Equal(0, rebuilt.Cycles);
        Assert.Equal(board.Entries, (await mesh.Voting.GetLeaderboardAsync(overall)).Entries);
        var top = await mesh.Voting.GetLeaderboardAsync(new GetLeaderboardRequest { CycleId = cycle.Id, Top = 1 });
        var second = await mesh.Voting.GetLeaderboardAsync(new GetLeaderboardRequest { CycleId = cycle.Id, Top = 1, PageToken = top.NextPageToken });
        Assert.Equal((ideas[0].Id, 2), (second.Entries.Single().IdeaId, second.Entries.Single().Rank));
        standing = await mesh.Voting.GetIdeaStandingAsync(new GetIdeaStandingRequest { IdeaId = ideas[1].Id });
        Assert.Equal((2L, 3, 3), (standing.Votes, standing.Rank, standing.TierRank));
    }

    [Fact]
    public async Task Hidden_standings_are_refused_to_the_public_and_shown_to_operators_until_the_vote_closes()
    {
        var (_, cycle) = await scenario.OpenCycleAsync(
            new CreateProgramRequest { Name = "Secret ballot", BudgetMinor = 1_000_000, HideStandings = true }, 0, Scenario.FiveK);
        var idea = await scenario.ApprovedAsync(cycle, "Surprise mural", "5k", "author-h");
        await scenario.VoteAsync(idea, 2);
        var board = new GetLeaderboardRequest { CycleId = cycle.Id };

        var publicSite = mesh.Partner.Voting;
        await Refused.With(() => publicSite.GetLeaderboardAsync(board).ResponseAsync, StatusCode.PermissionDenied, "hides its standings");
        await Refused.With(() => publicSite.GetIdeaStandingAsync(new GetIdeaStandingRequest { IdeaId = idea.Id }).ResponseAsync, StatusCode.PermissionDenied, "hides");
        using var watch = publicSite.WatchLeaderboard(board);
        await Refused.With(() => watch.ResponseStream.MoveNext(), StatusCode.PermissionDenied, "hides");
        var forged = MeshFixture.Bearer(MeshTokens.Issue(TokenSigner.Create(MeshTokens.IssuerKeyId), MeshClaims.Roles.Operator));
        await Refused.With(() => mesh.Voting.GetLeaderboardAsync(board, forged).ResponseAsync, StatusCode.Unauthenticated, "signature");
        var expired = MeshFixture.Bearer(MeshTokens.Issue(mesh.Issuer, MeshClaims.Roles.Operator, lifetime: TimeSpan.FromMinutes(1), now: DateTime.UtcNow.AddHours(-1)));
        await Refused.With(() => mesh.Voting.GetLeaderboardAsync(board, expired).ResponseAsync, StatusCode.Unauthenticated, "expired");
        await Refused.With(() => mesh.Voting.GetLeaderboardAsync(board, mesh.As(MeshClaims.Roles.Moderator)).ResponseAsync, StatusCode.PermissionDenied, "hides");

        // The tally writes the board a moment after the votes; operators see it as soon as it does.
        await Eventually.Get(() => mesh.Voting.GetLeaderboardAsync(board, mesh.As(MeshClaims.Roles.Operator)).ResponseAsync,
            b => b.Entries.Select(e => (e.IdeaId, e.Votes)).SequenceEqual([(idea.Id, 2L)]), "the operator to see the hidden board");
        var standing = await mesh.Voting.GetIdeaStandingAsync(new GetIdeaStandingRequest { IdeaId = idea.Id }, mesh.As(MeshClaims.Roles.Operator));
        Assert.Equal(2L, standing.Votes);

        await mesh.Voting.FinalizeCycleAsync(new FinalizeCycleRequest { CycleId = cycle.Id });
        await Eventually.Get(() => publicSite.GetLeaderboardAsync(board).ResponseAsync,
            b => b.Entries.Select(e => (e.IdeaId, e.Votes)).SequenceEqual([(idea.Id, 2L)]), "the public to see the board once the vote closed");
    }

    [Fact]
    public async Task Votes_are_published_as_aggregates_and_milestones_once()
    {
        var (_, cycle) = await scenario.OpenCycleAsync(1_000_000, Scenario.FiveK);
        var idea = await scenario.ApprovedAsync(cycle, "Hundred voices", "5k", "author-100");
        var fans = await mesh.NewMembersAsync(120, "fan");
        using var call = mesh.Partner.Voting.CastVotes(); // a text-message gateway, for its members
        foreach (var fan in fans)
        {
            await call.RequestStream.WriteAsync(new CastVoteRequest { VoterId = fan, IdeaId = idea.Id, Channel = VoteChannel.Sms });
        }
        await call.RequestStream.CompleteAsync();
        Assert.Equal(120, (await call.ResponseAsync).Accepted);

        var id = Guid.Parse(idea.Id);
        var milestone = await mesh.Bus.WaitFor<IdeaMilestoneReached>(e => e.IdeaId == id, "the 100-vote milestone");
        Assert.Equal((100L, Guid.Parse(cycle.Id)), (milestone.Milestone, milestone.CycleId));
        var tallied = await Eventually.Get(
            () => Task.FromResult(TalliedFor(id)), t => t.Sum(c => c.NewVotes) == 120, "VotesTallied to add up to 120 votes");
        Assert.True(tallied.Count < 120, $"{tallied.Count} VotesTallied messages for 120 votes");
        Assert.Equal(120, tallied.Max(c => c.TotalVotes));
        Assert.Single(mesh.Bus.AboutIdea(id).OfType<IdeaMilestoneReached>());
    }

    private List<IdeaVoteCount> TalliedFor(Guid ideaId) =>
        mesh.Bus.All.OfType<VotesTallied>().SelectMany(t => t.Counts).Where(c => c.IdeaId == ideaId).ToList();
}
