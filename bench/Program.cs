// Measures Voting's hot paths on this machine against a bare gRPC echo server, in one run:
//   dotnet run -c Release --project bench [-- --seconds 5]
// It starts the whole system (durable PostgreSQL, Redis, RabbitMQ, the four services) in a
// temporary folder on free ports, loads a program with ideas, measures, and writes docs/benchmarks.md.
using ConductorMesh.AppHost;
using ConductorMesh.AppHost.Hosting;
using ConductorMesh.AppHost.Resources;
using ConductorMesh.Bench;
using ConductorMesh.Grants.V1;
using ConductorMesh.Ideas.V1;
using ConductorMesh.Voting.V1;
using Grpc.Core;
using Grpc.Net.Client;

var seconds = args.SkipWhile(a => a != "--seconds").Skip(1).Select(int.Parse).FirstOrDefault(5);
var duration = TimeSpan.FromSeconds(seconds);
var state = Directory.CreateTempSubdirectory("conductormesh-bench-").FullName;
if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(state, (UnixFileMode)Convert.ToInt32("755", 8));
var app = Mesh.Build(new AppHostSettings { StateDirectory = state, UseFreePorts = true, ExistingConnectionString = _ => null });
var echoPort = FreePort.Next();
await using var echo = await EchoServer.StartAsync(echoPort);
try
{
    Console.WriteLine("Starting the system (durable storage)...");
    await app.StartAsync(CancellationToken.None);
    GrpcChannel Channel(string url) => GrpcChannel.ForAddress(url, new GrpcChannelOptions { HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true } });
    var echoClient = new Echo.EchoClient(Channel($"http://127.0.0.1:{echoPort}"));
    var grants = new GrantsApi.GrantsApiClient(Channel(app.Resource<ProjectResource>("grants").Url));
    var ideas = new IdeasApi.IdeasApiClient(Channel(app.Resource<ProjectResource>("ideas").Url));
    var voting = new VotingApi.VotingApiClient(Channel(app.Resource<ProjectResource>("voting").Url));

    // A program whose voters may vote a lot, with 200 ideas in the vote.
    var program = await grants.CreateProgramAsync(new CreateProgramRequest { Name = "Benchmark", BudgetMinor = 100_000_000, DailyVoteAllowance = 1_000 });
    var cycle = await grants.OpenCycleAsync(new OpenCycleRequest { ProgramId = program.Id, Name = "bench" });
    var ballot = new List<string>();
    for (var i = 0; i < 200; i++)
    {
        var idea = await ideas.SubmitIdeaAsync(new SubmitIdeaRequest
        {
            CycleId = cycle.Id, Title = $"Benchmark idea {i}", Description = "Load", Category = (Category)(1 + i % 6), Tier = "5k", AuthorMemberId = $"a{i}",
        });
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

    var report = new Report();
    Figures? echo64 = null;
    foreach (var callers in new[] { 1, 16, 64, 256 })
    {
        var baseline = await Load.RunAsync("echo (baseline)", callers, duration, _ => echoClient.SayAsync(new EchoMessage { Text = "x" }).ResponseAsync);
        report.Add(baseline, null);
        echo64 = callers == 64 ? baseline : echo64;
        var votes = await Load.RunAsync("CastVote", callers, duration, n => voting.CastVoteAsync(Vote(n)).ResponseAsync);
        report.Add(votes, baseline, callers == 64 ? ">= 40% of echo, p99 < 25 ms" : null);
    }

    var reads = await Load.RunAsync("GetLeaderboard top 10", 64, duration,
        _ => voting.GetLeaderboardAsync(new GetLeaderboardRequest { CycleId = cycle.Id, Top = 10 }).ResponseAsync);
    report.Add(reads, echo64, ">= 70% of echo");

    // Bulk ingest: four gateways streaming 25,000 votes each at once.
    var bulkClock = System.Diagnostics.Stopwatch.StartNew();
    var accepted = await Task.WhenAll(Enumerable.Range(0, 4).Select(async g =>
    {
        using var call = voting.CastVotes();
        for (var i = 0; i < 25_000; i++)
        {
            await call.RequestStream.WriteAsync(Vote(10_000_000 * (g + 1) + i));
        }
        await call.RequestStream.CompleteAsync();
        return (await call.ResponseAsync).Accepted;
    }));
    var bulkSeconds = bulkClock.Elapsed.TotalSeconds;
    report.Add(new Figures("CastVotes (bulk, 4 streams x 25,000)", 4, accepted.Sum() / bulkSeconds, 0, 0, accepted.Sum(), 100_000 - accepted.Sum()), null, ">= 50,000 votes/s");

    // Freshness: from a vote's acknowledgement to the stream showing it.
    var freshCycle = await grants.OpenCycleAsync(new OpenCycleRequest
    {
        ProgramId = (await grants.CreateProgramAsync(new CreateProgramRequest { Name = "Fresh", BudgetMinor = 1_000_000, DailyVoteAllowance = 1_000 })).Id, Name = "fresh",
    });
    var freshIdea = (await ideas.ApproveIdeaAsync(new ApproveIdeaRequest
    {
        IdeaId = (await ideas.SubmitIdeaAsync(new SubmitIdeaRequest { CycleId = freshCycle.Id, Title = "Fresh idea", Description = "d", Category = Category.Health, Tier = "5k", AuthorMemberId = "f" })).Id,
        ModeratorId = "bench",
    })).Id;
    using var watch = voting.WatchLeaderboard(new GetLeaderboardRequest { CycleId = freshCycle.Id, Top = 1 });
    var delays = new List<double>();
    for (var i = 1; i <= 200; i++)
    {
        await voting.CastVoteAsync(new CastVoteRequest { VoterId = $"fresh-{run}-{i}", IdeaId = freshIdea, Channel = VoteChannel.Web });
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
        var pid = app.Resource<ProjectResource>(service).ProcessId;
        var peak = pid is null ? "?" : File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmHWM", StringComparison.Ordinal)).Split(':')[1].Trim();
        report.Note($"Peak memory (VmHWM) of {service}: {peak}.");
    }
    Console.WriteLine($"Wrote {report.Write(AppHostSettings.RepoRoot)}");
}
finally
{
    await app.StopAsync();
    Directory.Delete(state, recursive: true);
}
