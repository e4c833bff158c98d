// Measures Voting's hot paths on this machine against a bare gRPC echo server, in one run:
//   dotnet run -c Release --project bench [-- --seconds 5]
// It starts the AppHost that ./mesh up runs, as the tests do (Aspire.Hosting.Testing, ports of its
// own, a temporary folder) but with durable PostgreSQL, loads a program with ideas, measures, and
// writes docs/benchmarks.md.
using ConductorMesh.AppHost;
using ConductorMesh.Bench;
using ConductorMesh.Community.V1;
using ConductorMesh.ServiceDefaults.Auth;
using ConductorMesh.Grants.V1;
using ConductorMesh.Ideas.V1;
using ConductorMesh.Testing;
using ConductorMesh.Voting.V1;
using Grpc.Core;
using Grpc.Net.Client;

var seconds = args.SkipWhile(a => a != "--seconds").Skip(1).Select(int.Parse).FirstOrDefault(5);
var duration = TimeSpan.FromSeconds(seconds);
var echoPort = FreePorts.Take(1)[0];
await using var echo = await EchoServer.StartAsync(echoPort);
Console.WriteLine("Starting the system (durable storage)...");
await using var system = await TestSystem.StartAsync(CancellationToken.None);
{
    // The system's calls carry tokens, as partners' do: an operator's by default, a member's per vote
    // (members voting as themselves) and a gateway partner's for bulk. The echo baseline has none.
    var key = system.SigningKey;
    var operatorToken = new SelfIssuedToken(key, MeshClaims.Roles.Operator, "bench");
    GrpcChannel Channel(string service, SelfIssuedToken? token = null) => BearerChannel.To(system.Url(service), () => (token ?? operatorToken).Current);
    Metadata As(string member) => new() { { "authorization", $"Bearer {MeshTokens.Issue(key, MeshClaims.Roles.Member, member: member)}" } };
    var echoClient = new Echo.EchoClient(GrpcChannel.ForAddress($"http://127.0.0.1:{echoPort}", new GrpcChannelOptions { HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true } }));
    var grants = new GrantsApi.GrantsApiClient(Channel("grants"));
    var ideas = new IdeasApi.IdeasApiClient(Channel("ideas"));
    var voting = new VotingApi.VotingApiClient(Channel("voting"));
    var gatewayToken = new SelfIssuedToken(key, MeshClaims.Roles.Partner, partner: "bench-gateway");
    var gateway = new VotingApi.VotingApiClient(Channel("voting", gatewayToken));
    var gatewayMembers = new CommunityApi.CommunityApiClient(Channel("community", gatewayToken));

    // A program whose voters may vote a lot, with 200 ideas in the vote.
    var program = await grants.CreateProgramAsync(new CreateProgramRequest { Name = "Benchmark", BudgetMinor = 100_000_000, DailyVoteAllowance = 1_000 });
    var cycle = await grants.OpenCycleAsync(new OpenCycleRequest { ProgramId = program.Id, Name = "bench" });
    var ballot = new List<string>();
    for (var i = 0; i < 200; i++)
    {
        var idea = await ideas.SubmitIdeaAsync(new SubmitIdeaRequest
        {
            CycleId = cycle.Id, Title = $"Benchmark idea {i}", Description = "Load", Category = (Category)(1 + i % 6), Tier = "5k", AuthorMemberId = $"a{i}",
        }, As($"a{i}"));
        ballot.Add((await ideas.ApproveIdeaAsync(new ApproveIdeaRequest { IdeaId = idea.Id, ModeratorId = "bench" })).Id);
    }
    // Every vote by a new voter, so each one is accepted: the measure is the accepted-vote path.
    var run = Guid.NewGuid().ToString("N")[..8];
    long next = 0;
    CastVoteRequest Vote(int _)
    {
        var n = Interlocked.Increment(ref next);
        return new() { VoterId = $"v{run}-{n}", IdeaId = ballot[(int)(n % ballot.Count)], Channel = VoteChannel.Web };
    }
    Task<CastVoteResponse> CastAsync(CastVoteRequest vote) => voting.CastVoteAsync(vote, As(vote.VoterId)).ResponseAsync;

    var report = new Report();
    Figures? echo64 = null;
    foreach (var callers in new[] { 1, 16, 64, 256 })
    {
        var baseline = await Load.RunAsync("echo (baseline)", callers, duration, _ => echoClient.SayAsync(new EchoMessage { Text = "x" }).ResponseAsync);
        report.Add(baseline, null);
        echo64 = callers == 64 ? baseline : echo64;
        var votes = await Load.RunAsync("CastVote", callers, duration, n => CastAsync(Vote(n)));
        report.Add(votes, baseline, callers == 64 ? ">= 40% of echo, p99 < 25 ms" : null);
    }

    var reads = await Load.RunAsync("GetLeaderboard top 10", 64, duration,
        _ => voting.GetLeaderboardAsync(new GetLeaderboardRequest { CycleId = cycle.Id, Top = 10 }).ResponseAsync);
    report.Add(reads, echo64, ">= 70% of echo");

    // Bulk ingest: ten gateway streams of 10,000 votes (the per-call limit) at once, by 500
    // members the gateway registered, each voting for every idea. Beyond 20 votes a minute a member's votes are held
    // for review: recorded all the same, and counted as accepted here.
    var fans = new List<string>();
    for (var i = 0; i < 500; i++)
    {
        fans.Add((await gatewayMembers.RegisterMemberAsync(new RegisterMemberRequest { Handle = $"fan-{run}-{i}", DisplayName = "Fan" })).Id);
    }
    var bulkClock = System.Diagnostics.Stopwatch.StartNew();
    var bulk = await Task.WhenAll(Enumerable.Range(0, 10).Select(async g =>
    {
        using var call = gateway.CastVotes();
        foreach (var fan in fans.Skip(g * 50).Take(50))
        {
            foreach (var idea in ballot)
            {
                await call.RequestStream.WriteAsync(new CastVoteRequest { VoterId = fan, IdeaId = idea, Channel = VoteChannel.Sms });
            }
        }
        await call.RequestStream.CompleteAsync();
        return await call.ResponseAsync;
    }));
    var bulkSeconds = bulkClock.Elapsed.TotalSeconds;
    var accepted = bulk.Sum(b => b.Accepted);
    report.Add(new Figures("CastVotes (bulk, 10 streams x 10,000)", 10, accepted / bulkSeconds, 0, 0, accepted, 100_000 - accepted), null, ">= 50,000 votes/s");
    report.Note($"Of the bulk votes, {bulk.Sum(b => b.Held):N0} were held by the velocity threshold (500 members casting 200 votes each in seconds).");

    // Freshness: from a vote's acknowledgement to the stream showing it.
    var freshCycle = await grants.OpenCycleAsync(new OpenCycleRequest
    {
        ProgramId = (await grants.CreateProgramAsync(new CreateProgramRequest { Name = "Fresh", BudgetMinor = 1_000_000, DailyVoteAllowance = 1_000 })).Id, Name = "fresh",
    });
    var freshIdea = (await ideas.ApproveIdeaAsync(new ApproveIdeaRequest
    {
        IdeaId = (await ideas.SubmitIdeaAsync(new SubmitIdeaRequest { CycleId = freshCycle.Id, Title = "Fresh idea", Description = "d", Category = Category.Health, Tier = "5k", AuthorMemberId = "f" }, As("f"))).Id,
        ModeratorId = "bench",
    })).Id;
    using var watch = voting.WatchLeaderboard(new GetLeaderboardRequest { CycleId = freshCycle.Id, Top = 1 });
    var delays = new List<double>();
    for (var i = 1; i <= 200; i++)
    {
        await CastAsync(new CastVoteRequest { VoterId = $"fresh-{run}-{i}", IdeaId = freshIdea, Channel = VoteChannel.Web });
        var acknowledged = System.Diagnostics.Stopwatch.GetTimestamp();
        while (await watch.ResponseStream.MoveNext(CancellationToken.None))
        {
            if (watch.ResponseStream.Current.Entries.FirstOrDefault()?.Votes >= i)
            {
                break;
            }
        }
        delays.Add(System.Diagnostics.Stopwatch.GetElapsedTime(acknowledged).TotalMilliseconds);
    }
    delays.Sort();
    report.Add(new Figures("freshness: vote acknowledged -> seen on WatchLeaderboard", 1, 0, Load.Percentile(delays, 0.5), Load.Percentile(delays, 0.99), delays.Count, 0), null, "p99 < 250 ms");

    foreach (var service in new[] { "ideas", "voting", "grants", "community" })
    {
        var pid = system.ProcessId(service);
        var peak = pid is null ? "?" : File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmHWM", StringComparison.Ordinal)).Split(':')[1].Trim();
        report.Note($"Peak memory (VmHWM) of {service}: {peak}.");
    }
    Console.WriteLine($"Wrote {report.Write(LocalState.RepoRoot)}");
}
