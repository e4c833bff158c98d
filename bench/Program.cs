// Measures Voting's hot paths on this machine against a bare gRPC echo server, in one run:
//   dotnet run -c Release --project bench [-- --seconds 10]
// or holds a vote load for a profiler: dotnet run -c Release --project bench -- --hold 60 [--callers 64] [--reads]
// It starts the AppHost that ./mesh up runs, as the tests do (Aspire.Hosting.Testing, ports of its
// own, a temporary folder) but with durable PostgreSQL, loads a program with ideas, measures, and
// writes docs/benchmarks.md.
using ConductorMesh.AppHost;
using ConductorMesh.AppHost.Infrastructure;
using ConductorMesh.Bench;
using ConductorMesh.Community.V1;
using ConductorMesh.ServiceDefaults.Auth;
using ConductorMesh.Grants.V1;
using ConductorMesh.Ideas.V1;
using ConductorMesh.Testing;
using ConductorMesh.Voting.V1;
using Grpc.Core;
using Grpc.Net.Client;

var seconds = args.SkipWhile(a => a != "--seconds").Skip(1).Select(int.Parse).FirstOrDefault(10);
var duration = TimeSpan.FromSeconds(seconds);
var echoPort = FreePorts.Take(1)[0];
await using var echo = await EchoServer.StartAsync(echoPort);
Console.WriteLine("Starting the system (durable storage)...");
await using var system = await TestSystem.StartAsync(CancellationToken.None);
{
    // The system's calls carry tokens, as partners' do: an operator's by default, a member's per vote
    // (members voting as themselves) and a gateway partner's for bulk. The echo baseline has none.
    var key = system.Issuer;
    var operatorToken = new SelfIssuedToken(key, MeshClaims.Roles.Operator, "bench");
    GrpcChannel Channel(string service, SelfIssuedToken? token = null) => BearerChannel.To(system.Url(service), () => (token ?? operatorToken).Current);
    Metadata As(string member) => Voters.TokenOf(key, member);
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
    var ballot = await BallotAsync(cycle.Id, 200, "Benchmark");

    // Ideas approved into the vote of a cycle, each by an author of its own, across the categories.
    async Task<List<string>> BallotAsync(string cycleId, int count, string name)
    {
        var approved = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var author = $"{name}-author-{i}";
            var idea = await ideas.SubmitIdeaAsync(new SubmitIdeaRequest
            {
                CycleId = cycleId, Title = $"{name} idea {i}", Description = "Load", Category = (Category)(1 + i % 6), Tier = "5k", AuthorMemberId = author,
            }, As(author));
            approved.Add((await ideas.ApproveIdeaAsync(new ApproveIdeaRequest { IdeaId = idea.Id, ModeratorId = "bench" })).Id);
        }
        return approved;
    }
    // Every vote by a new voter, so each one is accepted: the measure is the accepted-vote path.
    // Their tokens are made now, as a partner holds its members' tokens, not during the measure.
    var run = Guid.NewGuid().ToString("N")[..8];
    var voters = new Voters(key, run);
    voters.Mint(300_000);
    long next = 0;
    Task<CastVoteResponse> CastAsync()
    {
        var (voter, token) = voters.Next();
        var n = Interlocked.Increment(ref next);
        return voting.CastVoteAsync(new CastVoteRequest { VoterId = voter, IdeaId = ballot[(int)(n % ballot.Count)], Channel = VoteChannel.Web }, token).ResponseAsync;
    }

    // --hold N: one caller casting votes for N seconds and nothing else, for a profiler to attach
    // to (dotnet-trace, dotnet-counters, top); the processes are printed first.
    if (args.SkipWhile(a => a != "--hold").Skip(1).Select(int.Parse).FirstOrDefault() is > 0 and var hold)
    {
        foreach (var resource in system.Resources)
        {
            Console.WriteLine($"{resource}: pid {system.ProcessId(resource)}");
        }
        var callers = args.SkipWhile(a => a != "--callers").Skip(1).Select(int.Parse).FirstOrDefault(1);
        // --reads holds GetLeaderboard calls instead of votes.
        var held = args.Contains("--reads")
            ? await Load.RunAsync("GetLeaderboard", callers, TimeSpan.FromSeconds(hold),
                _ => voting.GetLeaderboardAsync(new GetLeaderboardRequest { CycleId = cycle.Id, Top = 10 }).ResponseAsync)
            : await Load.RunAsync("CastVote", callers, TimeSpan.FromSeconds(hold), _ => CastAsync());
        Console.WriteLine($"{held.PerSecond:N0}/s, p50 {held.P50Ms:N2} ms, p99 {held.P99Ms:N2} ms, CPU busy {held.CpuBusy:P0}");
        return;
    }

    // Every path warmed up (compiled, connections open) before anything is measured.
    await Load.RunAsync("warm-up", 8, TimeSpan.FromSeconds(5), _ => CastAsync());
    await Load.RunAsync("warm-up", 8, TimeSpan.FromSeconds(2), _ => echoClient.SayAsync(new EchoMessage { Text = "x" }).ResponseAsync);
    var report = new Report();
    var json = report.Json;
    var (firstCheck, rememberedCheck) = await TokenChecks.MeasureAsync();
    report.Note($"Checking a token (ES256): {firstCheck:0} µs the first time, {rememberedCheck:0.0} µs once remembered, on one core of this machine.");
    json["token_first_check_us"] = Math.Round(firstCheck, 1);
    json["token_remembered_check_us"] = Math.Round(rememberedCheck, 2);
    var echo1 = await Load.RunAsync("echo (baseline)", 1, duration, _ => echoClient.SayAsync(new EchoMessage { Text = "x" }).ResponseAsync);
    report.Add(echo1, null);
    var cast1 = await Load.RunAsync("CastVote", 1, duration, _ => CastAsync());
    report.Add(cast1, echo1, "p50 <= 2 ms");
    json["castvote_1_p50_ms"] = Math.Round(cast1.P50Ms, 2);
    json["castvote_1_per_s"] = Math.Round(cast1.PerSecond);
    var echo64 = await Load.RunAsync("echo (baseline)", 64, duration, _ => echoClient.SayAsync(new EchoMessage { Text = "x" }).ResponseAsync);
    report.Add(echo64, null);
    json["echo_64_per_s"] = Math.Round(echo64.PerSecond);
    var cast64 = await Load.RunAsync("CastVote", 64, duration, _ => CastAsync());
    report.Add(cast64, echo64, ">= 40 % of echo, p99 <= 25 ms");
    json["castvote_64_vs_echo"] = Math.Round(cast64.PerSecond / echo64.PerSecond, 4);
    json["castvote_64_p99_ms"] = Math.Round(cast64.P99Ms, 2);
    json["castvote_64_per_s"] = Math.Round(cast64.PerSecond);

    var reads = await Load.RunAsync("GetLeaderboard top 10", 64, duration,
        _ => voting.GetLeaderboardAsync(new GetLeaderboardRequest { CycleId = cycle.Id, Top = 10 }).ResponseAsync);
    report.Add(reads, echo64, ">= 70 % of echo");
    json["leaderboard_64_vs_echo"] = Math.Round(reads.PerSecond / echo64.PerSecond, 4);

    // Bulk ingest: ten gateway streams of 10,000 votes (the per-call limit) at once into a cycle of
    // its own with 20 ideas, by 5,000 members the gateway registered, each voting once for every
    // idea: 20 votes a member, within the velocity threshold, so every vote is counted. The rate is
    // of counted votes: from the first vote sent until the leaderboard shows them all.
    var bulkCycle = await grants.OpenCycleAsync(new OpenCycleRequest
    {
        ProgramId = (await grants.CreateProgramAsync(new CreateProgramRequest { Name = "Bulk", BudgetMinor = 1_000_000, DailyVoteAllowance = 1_000 })).Id, Name = "bulk",
    });
    var bulkBallot = await BallotAsync(bulkCycle.Id, 20, "Bulk");
    var fans = new string[5_000];
    await Parallel.ForAsync(0, fans.Length, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        fans[i] = (await gatewayMembers.RegisterMemberAsync(new RegisterMemberRequest { Handle = $"fan-{run}-{i}", DisplayName = "Fan" }, cancellationToken: ct)).Id);
    var bulkCpu = Load.CpuTimes();
    var bulkClock = System.Diagnostics.Stopwatch.StartNew();
    var bulk = await Task.WhenAll(Enumerable.Range(0, 10).Select(async g =>
    {
        using var call = gateway.CastVotes();
        foreach (var idea in bulkBallot)
        {
            foreach (var fan in fans.Skip(g * 500).Take(500))
            {
                await call.RequestStream.WriteAsync(new CastVoteRequest { VoterId = fan, IdeaId = idea, Channel = VoteChannel.Sms });
            }
        }
        await call.RequestStream.CompleteAsync();
        return await call.ResponseAsync;
    }));
    var answered = bulkClock.Elapsed.TotalSeconds;
    var counted = bulk.Sum(b => b.Accepted) - bulk.Sum(b => b.Held);
    async Task<long> BoardTotalAsync(string cycleId) =>
        (await voting.GetLeaderboardAsync(new GetLeaderboardRequest { CycleId = cycleId, Top = 100 })).Entries.Sum(e => e.Votes);
    while (await BoardTotalAsync(bulkCycle.Id) < counted)
    {
        await Task.Delay(20);
    }
    var bulkSeconds = bulkClock.Elapsed.TotalSeconds;
    var bulkRate = counted / bulkSeconds;
    report.Add(new Figures("CastVotes bulk, counted (10 streams x 10,000)", 10, bulkRate, 0, 0, counted, 100_000 - bulk.Sum(b => b.Accepted),
        Load.Busy(bulkCpu, Load.CpuTimes())), null, ">= 100,000 counted votes/s");
    report.Add(new Figures("CastVotes bulk, held for review", 10, bulk.Sum(b => b.Held) / bulkSeconds, 0, 0, bulk.Sum(b => b.Held), 0), null, "");
    json["bulk_counted_votes_per_s"] = Math.Round(bulkRate);
    json["bulk_answered_votes_per_s"] = Math.Round(bulk.Sum(b => b.Accepted) / answered);
    report.Note($"Bulk: all 100,000 votes answered after {answered:0.0} s, all {counted:N0} counted votes on the leaderboard after {bulkSeconds:0.0} s.");
    var eighty = TimeSpan.FromSeconds(80_000_000 / bulkRate);
    report.Note($"80 million votes at the measured bulk rate would take {eighty.TotalHours:0.0} hours ({bulkRate:N0} counted votes/s).");
    json["hours_for_80_million_votes"] = Math.Round(eighty.TotalHours, 1);

    // Freshness: from a vote's acknowledgement to the stream showing it.
    var freshCycle = await grants.OpenCycleAsync(new OpenCycleRequest
    {
        ProgramId = (await grants.CreateProgramAsync(new CreateProgramRequest { Name = "Fresh", BudgetMinor = 1_000_000, DailyVoteAllowance = 1_000 })).Id, Name = "fresh",
    });
    var freshIdea = (await BallotAsync(freshCycle.Id, 1, "Fresh"))[0];
    using var watch = voting.WatchLeaderboard(new GetLeaderboardRequest { CycleId = freshCycle.Id, Top = 1 });
    var delays = new List<double>();
    for (var i = 1; i <= 200; i++)
    {
        var (voter, token) = voters.Next();
        await voting.CastVoteAsync(new CastVoteRequest { VoterId = voter, IdeaId = freshIdea, Channel = VoteChannel.Web }, token);
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
    report.Add(new Figures("freshness: vote acknowledged -> seen on WatchLeaderboard", 1, 0, Load.Percentile(delays, 0.5), Load.Percentile(delays, 0.99), delays.Count, 0), null, "p99 <= 100 ms");
    json["freshness_p99_ms"] = Math.Round(Load.Percentile(delays, 0.99), 1);
    watch.Dispose();

    // A whole idle system: every resource up, no calls, after ten seconds for the last events to settle.
    await Task.Delay(TimeSpan.FromSeconds(10));
    var idleBefore = (Machine: Load.CpuTimes(), Processes: Machine.ProcessCpu());
    var idleClock = System.Diagnostics.Stopwatch.StartNew();
    await Task.Delay(TimeSpan.FromSeconds(30));
    var idleAfter = (Machine: Load.CpuTimes(), Processes: Machine.ProcessCpu());
    var idle = Load.Busy(idleBefore.Machine, idleAfter.Machine) * Environment.ProcessorCount * 100;
    report.Add(new Figures("idle system, 30 s without calls (% of one core)", 0, idle, 0, 0, 0, 0), null, "<= 2 %");
    json["idle_cpu_percent_of_one_core"] = Math.Round(idle, 2);
    var names = system.Resources.Select(r => (Resource: r, Pid: system.ProcessId(r))).Where(r => r.Pid is not null).ToDictionary(r => r.Pid!.Value, r => r.Resource);
    names[Environment.ProcessId] = "the AppHost (in the benchmark's process)";
    var spent = idleAfter.Processes
        .Where(p => idleBefore.Processes.ContainsKey(p.Key))
        .Select(p => (Name: names.GetValueOrDefault(p.Key, p.Value.Name), Percent: (p.Value.Seconds - idleBefore.Processes[p.Key].Seconds) / idleClock.Elapsed.TotalSeconds * 100))
        .GroupBy(p => p.Name).Select(g => (Name: g.Key, Percent: g.Sum(p => p.Percent))).Where(p => p.Percent >= 0.1).OrderByDescending(p => p.Percent).ToList();
    report.Note($"Idle, by process (% of one core): {string.Join(", ", spent.Select(p => $"{p.Name} {p.Percent:0.0}"))}.");
    json["idle_cpu_by_process"] = new System.Text.Json.Nodes.JsonObject(spent.Select(p => KeyValuePair.Create(p.Name, (System.Text.Json.Nodes.JsonNode?)Math.Round(p.Percent, 2))));

    var peaks = new System.Text.Json.Nodes.JsonObject();
    foreach (var service in new[] { "ideas", "voting", "grants", "community" })
    {
        var peak = system.ProcessId(service) is { } pid ? Machine.PeakRssMb(pid) : double.NaN;
        peaks[service] = Math.Round(peak);
        report.Note($"Peak memory (VmHWM) of {service}: {peak:0} MB (target <= 250 MB).");
    }
    json["peak_rss_mb"] = peaks;

    // Sealing at the close: a cycle of 1,000,000 votes by 100,000 voters (ten days of votes each),
    // one in a hundred held and never accepted,
    // closed by FinalizeCycle (the seal and the final tallies, in one transaction). The votes are
    // written straight into Voting's vote log, as a month of voting leaves it: cast through the API
    // at the bulk rate above they would take minutes. After the memory peaks, which it would raise.
    var sealCycle = await grants.OpenCycleAsync(new OpenCycleRequest
    {
        ProgramId = (await grants.CreateProgramAsync(new CreateProgramRequest { Name = "Sealed", BudgetMinor = 1_000_000, DailyVoteAllowance = 1_000 })).Id, Name = "sealed",
    });
    var sealBallot = await BallotAsync(sealCycle.Id, 20, "Sealed");
    foreach (var idea in sealBallot)
    {
        // One vote for each idea through the API, so Voting has the cycle and its ideas on its ballot.
        var (voter, token) = voters.Next();
        await voting.CastVoteAsync(new CastVoteRequest { VoterId = voter, IdeaId = idea, Channel = VoteChannel.Web }, token);
    }
    await using (var votingDb = new Npgsql.NpgsqlConnection(await system.ConnectionStringAsync("votingdb")))
    {
        await votingDb.OpenAsync();
        await using var fill = new Npgsql.NpgsqlCommand(
            """
            INSERT INTO votes (id, idea_id, cycle_id, program_id, voter_id, vote_day, channel, cast_at, review)
            SELECT gen_random_uuid(), (@ideas::uuid[])[1 + i % 20], c.cycle_id, c.program_id, 'sealed-voter-' || i % 100000, current_date - i / 100000, 'web',
                   clock_timestamp() - make_interval(secs => i / 1000.0), CASE WHEN i % 100 = 0 THEN 'held' ELSE 'none' END
            FROM generate_series(1, 1000000 - 20) i, ballot_cycles c WHERE c.cycle_id = @cycle
            """, votingDb) { CommandTimeout = 600 };
        fill.Parameters.AddWithValue("ideas", sealBallot.Select(Guid.Parse).ToArray());
        fill.Parameters.AddWithValue("cycle", Guid.Parse(sealCycle.Id));
        await fill.ExecuteNonQueryAsync();
    }
    var sealClock = System.Diagnostics.Stopwatch.StartNew();
    var sealedTallies = await voting.FinalizeCycleAsync(new FinalizeCycleRequest { CycleId = sealCycle.Id }, deadline: DateTime.UtcNow.AddMinutes(5));
    var sealSeconds = sealClock.Elapsed.TotalSeconds;
    report.Add(new Figures($"FinalizeCycle: seal {sealedTallies.Seal.LeafCount:N0} votes (p50 = seconds x 1000)", 1, sealedTallies.Seal.LeafCount / sealSeconds, sealSeconds * 1000, sealSeconds * 1000, 1, 0), null, "<= 2 s");
    report.Note($"Sealing: {sealedTallies.Seal.LeafCount:N0} votes ({sealedTallies.Seal.RemovedVotes:N0} removed) sealed and counted by FinalizeCycle in {sealSeconds:0.00} s.");
    json["seal_1m_votes_s"] = Math.Round(sealSeconds, 2);
    var (markdown, written) = report.Write(LocalState.RepoRoot);
    Console.WriteLine($"Wrote {markdown} and {written}");
}
