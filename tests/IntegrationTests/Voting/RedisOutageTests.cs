using ConductorMesh.Voting.V1;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace ConductorMesh.IntegrationTests.Voting;

/// <summary>Redis is a cache: while it is away Voting says so at once and keeps taking votes.</summary>
[Collection(MeshCollection.Name)]
public sealed class RedisOutageTests(MeshFixture mesh)
{
    private readonly Scenario scenario = new(mesh);

    [Fact]
    public async Task Without_redis_voting_answers_not_serving_promptly_takes_votes_and_the_board_catches_up()
    {
        var (_, cycle) = await scenario.OpenCycleAsync(1_000_000, Scenario.FiveK);
        var idea = await scenario.ApprovedAsync(cycle, "Counted through an outage", "5k", "author-outage");
        using var channel = GrpcChannel.ForAddress(mesh.Url("voting"));
        var health = new Health.HealthClient(channel);

        await mesh.StopAsync("redis");
        try
        {
            // Well within the deadline: no connection attempt to wait out.
            var reply = await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(2));
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, reply.Status);
            await scenario.VoteAsync(idea, 2);
        }
        finally
        {
            await mesh.StartAsync("redis");
        }

        await Eventually.Get(async () => (await health.CheckAsync(new HealthCheckRequest())).Status,
            s => s == HealthCheckResponse.Types.ServingStatus.Serving, "voting to serve again", seconds: 60);
        await scenario.BoardAsync(new GetLeaderboardRequest { CycleId = cycle.Id }, (idea.Id, 2));
    }

    [Fact]
    public async Task While_redis_hangs_the_tally_still_counts_and_publishes_and_the_board_catches_up()
    {
        var (_, cycle) = await scenario.OpenCycleAsync(1_000_000, Scenario.FiveK);
        var idea = await scenario.ApprovedAsync(cycle, "Counted while Redis hangs", "5k", "author-hang");
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(await mesh.ConnectionStringAsync("redis") + ",allowAdmin=true");
        var paused = System.Diagnostics.Stopwatch.StartNew();
        // Every client's commands wait 20 s (the pause then ends by itself): Voting's calls time out
        // rather than fail.
        await redis.GetServers().Single().ExecuteAsync("CLIENT", "PAUSE", "20000", "ALL");
        await scenario.VoteAsync(idea, 2);

        await mesh.Bus.WaitFor<ConductorMesh.Contracts.VotesTallied>(
            e => e.Counts.Any(c => c.IdeaId == Guid.Parse(idea.Id) && c.TotalVotes == 2), "the votes to be tallied while Redis hangs");
        Assert.True(paused.Elapsed < TimeSpan.FromSeconds(20), $"tallied only after Redis answered again ({paused.Elapsed})");
        await Eventually.Get(async () =>
        {
            try
            {
                return await redis.GetDatabase().PingAsync() < TimeSpan.FromSeconds(1);
            }
            catch (StackExchange.Redis.RedisTimeoutException)
            {
                return false;
            }
        }, answers => answers, "Redis to answer again", seconds: 60);
        await scenario.BoardAsync(new GetLeaderboardRequest { CycleId = cycle.Id }, (idea.Id, 2));
    }
}
