using System.Text.Json;
using ConductorMesh.Community.V1;
using ConductorMesh.ServiceDefaults.Messaging;
using ConductorMesh.Testing;

namespace ConductorMesh.IntegrationTests;

/// <summary>
/// A consumer that keeps failing gets its event again later, from the broker; what fails after
/// every redelivery waits for an operator, who sees it in the console and replays it.
/// (The test system redelivers after <see cref="TestSystem.RedeliverySeconds"/>.)
/// </summary>
[Collection(MeshCollection.Name)]
public sealed class RedeliveryTests(MeshFixture mesh)
{
    private readonly Scenario scenario = new(mesh);

    [Fact]
    public async Task On_a_cluster_an_event_waits_for_its_later_delivery_in_a_quorum_queue()
    {
        // Messaging:QuorumQueues, as the production overlay sets it, with a delay of its own so its wait queue is new.
        var delay = TimeSpan.FromSeconds(97);
        var wait = Redelivery.WaitQueue(delay);
        await using var broker = new BrokerConnection(new Uri(await mesh.ConnectionStringAsync("messaging")), "quorum wait queue test");
        try
        {
            var parked = await new Redelivery([delay], quorum: true).ParkAsync(
                broker, new RabbitMQ.Client.BasicProperties(), "{}"u8.ToArray(), $"nobody-{Guid.NewGuid():N}", "a test", CancellationToken.None);

            Assert.Equal(delay, parked);
            // The broker holds it as a quorum queue: declared as a classic one, it is refused as not the same queue.
            await using var channel = await broker.OpenChannelAsync(CancellationToken.None);
            var refused = await Assert.ThrowsAsync<RabbitMQ.Client.Exceptions.OperationInterruptedException>(() => channel.QueueDeclareAsync(wait, durable: true, exclusive: false, autoDelete: false,
                new Dictionary<string, object?> { ["x-message-ttl"] = (long)delay.TotalMilliseconds, ["x-dead-letter-exchange"] = "", ["x-queue-type"] = "classic" }));
            Assert.Equal(406, (int)refused.ShutdownReason!.ReplyCode);
        }
        finally
        {
            await using var cleanup = await broker.OpenChannelAsync(CancellationToken.None);
            await cleanup.QueueDeleteAsync(wait, ifUnused: false, ifEmpty: false);
            await cleanup.ExchangeDeleteAsync(wait);
        }
    }

    [Fact]
    public async Task An_event_that_meets_its_consumer_s_database_closed_is_delivered_again_later_and_applied()
    {
        var (_, cycle) = await scenario.OpenCycleAsync(1_000_000, Scenario.FiveK);
        // Every event parked for its first later delivery passes the first wait queue's exchange.
        await using var firstWait = await BrokerTap.OpenAsync(mesh, Redelivery.WaitQueue(TimeSpan.FromSeconds(1)));
        await SetCommunityDatabaseOpenAsync(false);
        ListIdeaActivityRequest activity;
        try
        {
            var idea = await scenario.SubmitAsync(cycle, "Waits for its database", "5k", "author-redelivered");
            activity = new ListIdeaActivityRequest { IdeaId = idea.Id };

            // Community's quick retries are spent, and the event waits in the broker for its next delivery.
            var parked = new List<string>();
            await Eventually.Get(async () =>
            {
                parked.AddRange(await firstWait.TakeAllAsync());
                return parked;
            }, bodies => bodies.Any(body => body.Contains(idea.Id, StringComparison.Ordinal)), "the event to be parked for a later delivery", seconds: 60);
        }
        finally
        {
            await SetCommunityDatabaseOpenAsync(true);
        }

        var delivered = await Eventually.Get(() => mesh.Community.ListIdeaActivityAsync(activity).ResponseAsync,
            a => a.Items.Count > 0, "the submission to reach Community on a later delivery", seconds: 60);
        Assert.Equal(ActivityKind.IdeaSubmitted, delivered.Items.Single().Kind);
    }

    [Fact]
    public async Task An_event_that_fails_after_every_redelivery_is_shown_in_the_console_and_applied_when_replayed()
    {
        var (_, cycle) = await scenario.OpenCycleAsync(1_000_000, Scenario.FiveK);
        // A fault in Community that refuses this idea's activity, as a bug or a bad row would.
        await CommunityAsync("""
            CREATE OR REPLACE FUNCTION test_refuse_marked() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.summary LIKE '%Refused until fixed%' THEN RAISE EXCEPTION 'a fault on idea %', NEW.idea_id; END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER test_refuse_marked BEFORE INSERT ON activities FOR EACH ROW EXECUTE FUNCTION test_refuse_marked();
            """);
        string queue;
        var activity = new ListIdeaActivityRequest();
        try
        {
            var idea = await scenario.SubmitAsync(cycle, "Refused until fixed", "5k", "author-replayed");
            activity.IdeaId = idea.Id;

            var failed = await Eventually.Get(() => FailedInConsoleAsync(idea.Id), f => f is not null,
                "the console to show the event that failed for good", seconds: 120);
            queue = failed!.Value.GetProperty("queue").GetString()!;
            Assert.StartsWith("community-", queue);
            Assert.EndsWith("_error", queue);
            var first = failed.Value.GetProperty("first").EnumerateArray()
                .First(e => e.GetProperty("reason").GetString()!.Contains(idea.Id, StringComparison.Ordinal));
            Assert.Equal("IdeaSubmitted", first.GetProperty("eventType").GetString());
            Assert.Equal(TestSystem.RedeliverySeconds.Split(',').Length, first.GetProperty("redeliveries").GetInt32());
            Assert.Empty((await mesh.Community.ListIdeaActivityAsync(activity)).Items);
        }
        finally
        {
            await CommunityAsync("DROP TRIGGER test_refuse_marked ON activities; DROP FUNCTION test_refuse_marked();");
        }

        using var console = mesh.ConsoleApi();
        using var replay = await console.PostAsync($"/api/bus/replay?queue={Uri.EscapeDataString(queue)}", null);
        replay.EnsureSuccessStatusCode();
        using var replayed = JsonDocument.Parse(await replay.Content.ReadAsStringAsync());
        Assert.True(replayed.RootElement.GetProperty("replayed").GetInt32() >= 1);

        var applied = await Eventually.Get(() => mesh.Community.ListIdeaActivityAsync(activity).ResponseAsync,
            a => a.Items.Count > 0, "the replayed event to be applied");
        Assert.Equal(ActivityKind.IdeaSubmitted, applied.Items.Single().Kind);
        await Eventually.Get(() => FailedInConsoleAsync(activity.IdeaId), f => f is null, "the replayed event to leave the failed list");
    }

    [Fact]
    public async Task Only_an_error_queue_can_be_replayed()
    {
        using var console = mesh.ConsoleApi();

        using var refused = await console.PostAsync($"/api/bus/replay?queue=community-idea-submitted", null);

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("not an error queue", await refused.Content.ReadAsStringAsync());
    }

    /// <summary>The console's entry for the failed event about <paramref name="ideaId"/>, if it shows one.</summary>
    private async Task<JsonElement?> FailedInConsoleAsync(string ideaId)
    {
        using var console = mesh.ConsoleApi();
        using var bus = JsonDocument.Parse(await console.GetStringAsync("/api/bus"));
        foreach (var failed in bus.RootElement.GetProperty("failed").EnumerateArray())
        {
            if (failed.GetProperty("first").EnumerateArray().Any(e => e.GetProperty("reason").GetString()!.Contains(ideaId, StringComparison.Ordinal)))
            {
                return failed.Clone();
            }
        }
        return null;
    }

    /// <summary>Closes Community's database to new connections and ends its sessions, as an outage of it would; or opens it again.</summary>
    private Task SetCommunityDatabaseOpenAsync(bool open) =>
        mesh.SqlAsync("ideasdb", open
            ? "ALTER DATABASE community ALLOW_CONNECTIONS true"
            : "ALTER DATABASE community ALLOW_CONNECTIONS false; SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'community'");

    private Task CommunityAsync(string sql) => mesh.SqlAsync("communitydb", sql);
}
