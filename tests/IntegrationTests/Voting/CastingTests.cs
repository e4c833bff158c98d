using ConductorMesh.Grants.V1;
using ConductorMesh.Ideas.V1;
using ConductorMesh.Voting.V1;
using Grpc.Core;

namespace ConductorMesh.IntegrationTests.Voting;

/// <summary>Casting votes: the allowance exact under concurrency, the program's day, bulk ingest and withdrawn ideas.</summary>
[Collection(MeshCollection.Name)]
public sealed class CastingTests(MeshFixture mesh)
{
    private readonly Scenario scenario = new(mesh);

    private static CastVoteRequest Vote(string voter, Idea idea, string key = "") =>
        new() { VoterId = voter, IdeaId = idea.Id, Channel = VoteChannel.Web, IdempotencyKey = key };

    private async Task<List<Idea>> ApprovedIdeasAsync(Cycle cycle, int count)
    {
        var ideas = new List<Idea>();
        for (var i = 0; i < count; i++)
        {
            ideas.Add(await scenario.ApprovedAsync(cycle, $"Idea number {i}", "5k", $"author-{i}"));
        }
        return ideas;
    }

    [Fact]
    public async Task Of_a_hundred_concurrent_votes_by_one_voter_exactly_the_allowance_is_accepted()
    {
        var (program, cycle) = await scenario.OpenCycleAsync(
            new CreateProgramRequest { Name = "Allowance", BudgetMinor = 1_000_000, DailyVoteAllowance = 7 }, 0, Scenario.FiveK);
        var ideas = await ApprovedIdeasAsync(cycle, 26);
        // Through the test partner, whose own limit is far above 100 calls; the member's limit lets 20
        // of them in at once, more than the allowance.
        var voter = await mesh.NewMemberAsync("voter");

        var outcomes = await Scenario.AllAtOnceAsync(100, i => mesh.Partner.Voting.CastVoteAsync(Vote(voter, ideas[i % 25])).ResponseAsync);

        var accepted = outcomes.Where(o => o.Item1 == StatusCode.OK).Select(o => o.Item2).ToList();
        Assert.Equal(7, accepted.Count);
        Assert.Equal(7, accepted.Distinct().Count());
        Assert.All(outcomes.Where(o => o.Item1 != StatusCode.OK), o => Assert.Contains(o.Item1, new[] { StatusCode.ResourceExhausted, StatusCode.AlreadyExists }));
        var allowance = await mesh.Voting.GetAllowanceAsync(new GetAllowanceRequest { VoterId = voter, ProgramId = program.Id });
        Assert.Equal((0, 7), (allowance.VotesLeftToday, allowance.DailyAllowance));
        // Past the member's limit's wait, if the burst spent it: the allowance is what refuses now.
        var refused = await Refused.With(() => Scenario.PacedAsync(() => mesh.Partner.Voting.CastVoteAsync(Vote(voter, ideas[25])).ResponseAsync), StatusCode.ResourceExhausted, "0 left until");
        Assert.Contains(allowance.ResetsAt.ToDateTime().ToString("u"), refused.Status.Detail);
    }

    [Fact]
    public async Task The_voting_day_follows_the_programs_time_zone()
    {
        var (program, cycle) = await scenario.OpenCycleAsync(
            new CreateProgramRequest { Name = "Far east", BudgetMinor = 1_000_000, TimeZone = "Pacific/Kiritimati" }, 0, Scenario.FiveK);
        var idea = (await ApprovedIdeasAsync(cycle, 1))[0];
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Pacific/Kiritimati");

        var cast = await scenario.CastAsync("voter-tz", idea);

        var localMidnight = TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, zone).Date.AddDays(1);
        var expected = TimeZoneInfo.ConvertTimeToUtc(localMidnight, zone);
        Assert.Equal(expected, cast.AllowanceResetsAt.ToDateTime());
        Assert.Equal(9, cast.VotesLeftToday);
        var allowance = await mesh.Voting.GetAllowanceAsync(new GetAllowanceRequest { VoterId = "voter-tz", ProgramId = program.Id });
        Assert.Equal(("Pacific/Kiritimati", 9, expected), (allowance.TimeZone, allowance.VotesLeftToday, allowance.ResetsAt.ToDateTime()));
    }

    [Fact]
    public async Task Bulk_ingest_applies_every_rule_per_vote_and_answers_in_order()
    {
        var (_, cycle) = await scenario.OpenCycleAsync(
            new CreateProgramRequest { Name = "Bulk", BudgetMinor = 1_000_000, DailyVoteAllowance = 2 }, 0, Scenario.FiveK);
        var ideas = await ApprovedIdeasAsync(cycle, 3);
        var waiting = await scenario.SubmitAsync(cycle, "Not yet approved", "5k", "author-w");
        var (sms, other) = (await mesh.NewMemberAsync("sms"), await mesh.NewMemberAsync("other"));
        var requests = new[]
        {
            Vote(sms, ideas[0], "msg-1"),                                            // accepted
            Vote(sms, ideas[0]),                                                     // same idea today
            Vote(sms, ideas[0], "msg-1"),                                            // retry of the first: its vote again
            Vote(sms, ideas[1]),                                                     // accepted: allowance now used
            Vote(sms, ideas[2]),                                                     // over the allowance
            new CastVoteRequest { VoterId = other, IdeaId = waiting.Id, Channel = VoteChannel.Sms }, // not in the vote
            new CastVoteRequest { VoterId = other, IdeaId = "not-an-id", Channel = VoteChannel.Sms }, // bad field
            new CastVoteRequest { VoterId = other, IdeaId = ideas[2].Id, Channel = VoteChannel.Sms },  // accepted
        };

        using var call = mesh.Partner.Voting.CastVotes(); // a text-message gateway, for its members
        foreach (var request in requests)
        {
            await call.RequestStream.WriteAsync(request);
        }
        await call.RequestStream.CompleteAsync();
        var response = await call.ResponseAsync;

        Assert.Equal(Enumerable.Range(0, requests.Length), response.Outcomes.Select(o => o.Index));
        Assert.Equal(
            [StatusCode.OK, StatusCode.AlreadyExists, StatusCode.OK, StatusCode.OK, StatusCode.ResourceExhausted, StatusCode.FailedPrecondition, StatusCode.InvalidArgument, StatusCode.OK],
            response.Outcomes.Select(o => (StatusCode)o.Code));
        Assert.Equal(response.Outcomes[0].VoteId, response.Outcomes[2].VoteId);
        Assert.Contains("idea_id", response.Outcomes[6].Message);
        Assert.Equal(4, response.Accepted);
        Assert.All(response.Outcomes.Where(o => o.Code == 0), o => Assert.NotNull(o.CastAt));
        Assert.All(response.Outcomes.Where(o => o.Code != 0), o => Assert.Null(o.CastAt));
        Assert.False(response.LimitReached);
        // Three ideas with a vote each: their order is the tie rule's, checked in the leaderboard tests.
        await Eventually.Get(() => mesh.Voting.GetLeaderboardAsync(new GetLeaderboardRequest { CycleId = cycle.Id }).ResponseAsync,
            b => b.Entries.Select(e => (e.IdeaId, e.Votes)).Order().SequenceEqual(ideas.Select(i => (i.Id, 1L)).Order()), "one vote for each idea on the board");
        var final = await mesh.Voting.FinalizeCycleAsync(new FinalizeCycleRequest { CycleId = cycle.Id });
        Assert.Equal(3, final.Tallies.Sum(t => t.Votes));
    }

    [Fact]
    public async Task A_bulk_stream_past_its_limit_is_answered_for_the_votes_read_within_a_default_clients_receive_limit()
    {
        var (_, cycle) = await scenario.OpenCycleAsync(1_000_000, Scenario.FiveK);
        var idea = (await ApprovedIdeasAsync(cycle, 1))[0];
        // A member may cast 20 votes a second, through a partner too: 500 voters cast 20 votes each
        // for the one idea, and one more vote follows. Each voter's first counts and the rest are
        // refused with the longest message a vote gets. The stream goes on past the limit.
        var voters = await mesh.NewMembersAsync(501, "gateway-voter");
        using var call = mesh.Partner.Voting.CastVotes();
        try
        {
            for (var i = 0; i <= 10_000; i++)
            {
                await call.RequestStream.WriteAsync(Vote(voters[i / 20], idea));
            }
            await call.RequestStream.CompleteAsync();
        }
        catch (RpcException)
        {
            // The server answered at the limit and stopped reading: the rest could not be sent.
        }
        var response = await call.ResponseAsync; // read with gRPC's default 4 MB receive limit

        Assert.True(response.LimitReached);
        Assert.Equal(10_000, response.Outcomes.Count);
        Assert.Equal(500, response.Accepted);
        Assert.All(response.Outcomes.Where(o => o.Index % 20 == 0), o => Assert.Equal(StatusCode.OK, (StatusCode)o.Code));
        Assert.All(response.Outcomes.Where(o => o.Index % 20 == 0), o => Assert.NotNull(o.CastAt));
        Assert.All(response.Outcomes.Where(o => o.Index % 20 != 0), o => Assert.Equal(StatusCode.AlreadyExists, (StatusCode)o.Code));
    }

    [Fact]
    public async Task A_batch_that_cannot_commit_fails_only_its_own_votes_and_the_call_answers_the_rest()
    {
        var (_, cycle) = await scenario.OpenCycleAsync(1_000_000, Scenario.FiveK);
        var idea = (await ApprovedIdeasAsync(cycle, 1))[0];
        // A gateway's stream for 100 voters, each voting 20 times (a member's limit a second): ten
        // times in each half of the stream, so Voting already knows every voter when the database stops.
        var voters = await mesh.NewMembersAsync(100, "outage-voter");
        using var call = mesh.Partner.Voting.CastVotes();

        // The first 1,000 votes go to the writer as one batch and commit: each voter's first counts, the rest repeat it.
        for (var i = 0; i < 1_000; i++)
        {
            await call.RequestStream.WriteAsync(Vote(voters[i / 10], idea));
        }
        await scenario.BoardAsync(new GetLeaderboardRequest { CycleId = cycle.Id }, (idea.Id, 100));
        // The next 1,000 meet a stopped database.
        await mesh.StopAsync("postgres");
        try
        {
            for (var i = 0; i < 1_000; i++)
            {
                await call.RequestStream.WriteAsync(Vote(voters[i / 10], idea));
            }
            await call.RequestStream.CompleteAsync();
            var response = await call.ResponseAsync;

            Assert.Equal(2_000, response.Outcomes.Count);
            Assert.All(response.Outcomes.Take(1_000).Where(o => o.Index % 10 == 0), o => Assert.Equal(StatusCode.OK, (StatusCode)o.Code));
            Assert.All(response.Outcomes.Take(1_000).Where(o => o.Index % 10 != 0), o => Assert.Equal(StatusCode.AlreadyExists, (StatusCode)o.Code));
            Assert.All(response.Outcomes.Skip(1_000), o => Assert.Equal((StatusCode.Unavailable, true), ((StatusCode)o.Code, o.Message.Contains("try again"))));
        }
        finally
        {
            await mesh.StartAsync("postgres");
            Npgsql.NpgsqlConnection.ClearAllPools();
            await mesh.App.ResourceNotifications.WaitForResourceHealthyAsync("voting");
        }
    }

    [Fact]
    public async Task A_withdrawn_idea_takes_no_votes_and_leaves_the_leaderboards()
    {
        var (_, cycle) = await scenario.OpenCycleAsync(1_000_000, Scenario.FiveK);
        var ideas = await ApprovedIdeasAsync(cycle, 2);
        await scenario.VoteAsync(ideas[0], 2);
        await scenario.VoteAsync(ideas[1], 1);
        await scenario.BoardAsync(new GetLeaderboardRequest { CycleId = cycle.Id }, (ideas[0].Id, 2), (ideas[1].Id, 1));

        await mesh.Ideas.WithdrawIdeaAsync(new WithdrawIdeaRequest { IdeaId = ideas[0].Id, MemberId = ideas[0].AuthorMemberId }, mesh.AsMember(ideas[0].AuthorMemberId));

        await scenario.BoardAsync(new GetLeaderboardRequest { CycleId = cycle.Id }, (ideas[1].Id, 1));
        await Refused.With(() => scenario.CastAsync("late-fan", ideas[0]).ResponseAsync, StatusCode.FailedPrecondition, "withdrawn");
        var final = await mesh.Voting.FinalizeCycleAsync(new FinalizeCycleRequest { CycleId = cycle.Id });
        Assert.True(final.Tallies.Single(t => t.IdeaId == ideas[0].Id).Withdrawn);
    }
}
