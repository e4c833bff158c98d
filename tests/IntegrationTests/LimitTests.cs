using ConductorMesh.ServiceDefaults.Auth;
using ConductorMesh.Voting.V1;
using Grpc.Core;

namespace ConductorMesh.IntegrationTests;

/// <summary>Rate limits per member and per partner: a caller over its limit is told to come back later; others are not held up.</summary>
[Collection(MeshCollection.Name)]
public sealed class LimitTests(MeshFixture mesh)
{
    private readonly Scenario scenario = new(mesh);

    private async Task<Status> AskAsync(GetAllowanceRequest request, Metadata token)
    {
        try
        {
            await mesh.Voting.GetAllowanceAsync(request, token);
            return Status.DefaultSuccess;
        }
        catch (RpcException e)
        {
            return e.Status;
        }
    }

    [Fact]
    public async Task A_member_over_the_limit_is_refused_with_a_retry_hint_and_others_are_not()
    {
        var (program, _) = await scenario.OpenCycleAsync(1_000_000, Scenario.FiveK);
        var (busy, calm) = ($"busy-{Guid.NewGuid():N}", $"calm-{Guid.NewGuid():N}");
        GetAllowanceRequest Request(string member) => new() { VoterId = member, ProgramId = program.Id };

        // Twenty calls a second by default: a burst of 60 at once goes over.
        var answers = await Task.WhenAll(Enumerable.Range(0, 60).Select(_ => AskAsync(Request(busy), mesh.AsMember(busy))));

        Assert.Contains(answers, a => a.StatusCode == StatusCode.OK);
        var refused = answers.Where(a => a.StatusCode != StatusCode.OK).ToList();
        Assert.NotEmpty(refused);
        Assert.All(refused, a => Assert.Equal(StatusCode.ResourceExhausted, a.StatusCode));
        Assert.All(refused, a => Assert.Matches(@"retry after \d+ ms", a.Detail));
        Assert.Equal(StatusCode.OK, (await AskAsync(Request(calm), mesh.AsMember(calm))).StatusCode);
        Assert.Equal(StatusCode.OK, (await AskAsync(Request(busy), mesh.As(MeshClaims.Roles.Operator))).StatusCode);
    }

    [Fact]
    public async Task Each_streamed_vote_counts_against_the_members_limit_and_a_refused_one_does_not_end_the_stream()
    {
        var (_, cycle) = await scenario.OpenCycleAsync(1_000_000, Scenario.FiveK);
        var voter = await mesh.NewMemberAsync("streamer");
        var idea = await scenario.ApprovedAsync(cycle, "Streamed", "5k", await mesh.NewMemberAsync("author"));

        // Sixty votes in one call, well within a second: a member may make twenty calls a second.
        using var call = mesh.Voting.CastVotes(mesh.AsMember(voter));
        for (var i = 0; i < 60; i++)
        {
            await call.RequestStream.WriteAsync(new CastVoteRequest { VoterId = voter, IdeaId = idea.Id, Channel = VoteChannel.Web });
        }
        await call.RequestStream.CompleteAsync();
        var response = await call.ResponseAsync;

        Assert.Equal(60, response.Outcomes.Count);
        Assert.Equal(1, response.Accepted);
        var limited = response.Outcomes.Where(o => (StatusCode)o.Code == StatusCode.ResourceExhausted).ToList();
        Assert.InRange(limited.Count, 1, 59);
        Assert.All(limited, o => Assert.Matches(@"retry after \d+ ms", o.Message));
    }

    [Fact]
    public async Task A_partners_calls_for_a_member_and_the_members_own_calls_share_the_members_limit()
    {
        var (program, _) = await scenario.OpenCycleAsync(1_000_000, Scenario.FiveK);

        // Fifteen calls by the member's own token and fifteen by the partner for that member, all
        // at once: each half is within the member's twenty a second, both together are not. The
        // bucket refills each second, so a burst that a refill splits passes; a new member is tried
        // then, at most ten times.
        var refused = new List<(string Member, Status Status)>();
        for (var attempt = 0; attempt < 10 && refused.Count == 0; attempt++)
        {
            var member = await mesh.NewMemberAsync("shared");
            var request = new GetAllowanceRequest { VoterId = member, ProgramId = program.Id };
            var (own, partner) = (mesh.AsMember(member), mesh.As(MeshClaims.Roles.Partner, partner: MeshFixture.TestPartner));
            var answers = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => AskAsync(request, i % 2 == 0 ? own : partner)));
            refused.AddRange(answers.Where(a => a.StatusCode != StatusCode.OK).Select(a => (member, a)));
        }

        Assert.NotEmpty(refused);
        Assert.All(refused, r => Assert.Equal(StatusCode.ResourceExhausted, r.Status.StatusCode));
        Assert.All(refused, r => Assert.Matches(@"retry after \d+ ms", r.Status.Detail));
        // The partner is told it is the member's limit, not its own, that refused it.
        Assert.Contains(refused, r => r.Status.Detail.Contains($"for member {r.Member}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_caller_holds_a_bounded_number_of_streams_and_others_are_not_held_up()
    {
        var (_, cycle) = await scenario.OpenCycleAsync(1_000_000, Scenario.FiveK);
        var watcher = $"watcher-{Guid.NewGuid():N}";
        var board = new GetLeaderboardRequest { CycleId = cycle.Id, Top = 3 };
        async Task<AsyncServerStreamingCall<Leaderboard>> OpenAsync(string member)
        {
            var stream = mesh.Voting.WatchLeaderboard(board, mesh.AsMember(member));
            await stream.ResponseStream.MoveNext(CancellationToken.None); // the board as it stands: the stream is open
            return stream;
        }

        // Five streams per member by default.
        var open = new List<AsyncServerStreamingCall<Leaderboard>>();
        for (var i = 0; i < 5; i++)
        {
            open.Add(await OpenAsync(watcher));
        }
        var refused = await Assert.ThrowsAsync<RpcException>(() => OpenAsync(watcher));
        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Contains("already has 5 streams open", refused.Status.Detail);
        using var other = await OpenAsync($"other-{Guid.NewGuid():N}");

        // Closing one frees its place once the server sees it close.
        open[0].Dispose();
        using var again = await Eventually.Get(async () =>
        {
            try
            {
                return await OpenAsync(watcher);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.ResourceExhausted)
            {
                return null;
            }
        }, s => s is not null, "a place for a sixth stream after one closed");
        open.Skip(1).ToList().ForEach(s => s.Dispose());
    }

    [Fact]
    public async Task A_call_naming_members_that_do_not_exist_is_cut_off_from_lookups()
    {
        var (_, cycle) = await scenario.OpenCycleAsync(1_000_000, Scenario.FiveK);
        var idea = await scenario.ApprovedAsync(cycle, "Targeted", "5k", await mesh.NewMemberAsync("author"));

        // Made-up voter ids: each costs Voting a question to Community, up to a bound per call. An
        // id already found unknown is remembered, and named again costs no question.
        var madeUp = Enumerable.Range(0, CallerAccess.UnknownMembersPerCall).Select(_ => Guid.NewGuid().ToString()).ToList();
        using var call = mesh.Partner.Voting.CastVotes();
        foreach (var voter in madeUp.Concat(madeUp).Concat(Enumerable.Range(0, 50).Select(_ => Guid.NewGuid().ToString())))
        {
            await call.RequestStream.WriteAsync(new CastVoteRequest { VoterId = voter, IdeaId = idea.Id, Channel = VoteChannel.Sms });
        }
        await call.RequestStream.CompleteAsync();
        var outcomes = (await call.ResponseAsync).Outcomes;

        Assert.All(outcomes.Take(2 * madeUp.Count), o => Assert.Equal(StatusCode.PermissionDenied, (StatusCode)o.Code));
        Assert.All(outcomes.Skip(2 * madeUp.Count), o =>
        {
            Assert.Equal(StatusCode.ResourceExhausted, (StatusCode)o.Code);
            Assert.Contains("no more are looked up", o.Message);
        });
    }

    [Fact]
    public async Task Calls_without_a_token_are_limited_per_address_and_callers_with_one_are_not_held_up()
    {
        // A thousand a second per address by default: bursts of 2,000 health checks at once go over,
        // however fast this machine answers them (at most ten bursts are sent).
        var health = new Grpc.Health.V1.Health.HealthClient(Grpc.Net.Client.GrpcChannel.ForAddress(mesh.Url("voting")));
        var answers = new List<Status>();
        for (var burst = 0; burst < 10 && answers.All(a => a.StatusCode == StatusCode.OK); burst++)
        {
            answers.AddRange(await Task.WhenAll(Enumerable.Range(0, 2_000).Select(async _ =>
            {
                try
                {
                    await health.CheckAsync(new Grpc.Health.V1.HealthCheckRequest());
                    return Status.DefaultSuccess;
                }
                catch (RpcException e)
                {
                    return e.Status;
                }
            })));
        }
        var (program, _) = await scenario.OpenCycleAsync(1_000_000, Scenario.FiveK);

        Assert.Contains(answers, a => a.StatusCode == StatusCode.OK);
        var refused = answers.Where(a => a.StatusCode != StatusCode.OK).ToList();
        Assert.NotEmpty(refused);
        Assert.All(refused, a => Assert.Equal(StatusCode.ResourceExhausted, a.StatusCode));
        Assert.All(refused, a => Assert.Matches(@"retry after \d+ ms", a.Detail));
        Assert.Equal(StatusCode.OK, (await AskAsync(new GetAllowanceRequest { VoterId = "anyone", ProgramId = program.Id }, mesh.As(MeshClaims.Roles.Operator))).StatusCode);
    }
}
