using Npgsql;
using ConductorMesh.Community.V1;
using ConductorMesh.Grants.V1;
using ConductorMesh.Ideas.V1;

namespace ConductorMesh.IntegrationTests;

/// <summary>State changes commit while the broker is down, and their events arrive once it is back.</summary>
[Collection(MeshCollection.Name)]
public sealed class OutboxTests(MeshFixture mesh)
{
    [Fact]
    public async Task An_idea_submitted_while_the_broker_is_down_reaches_the_feed_when_it_returns()
    {
        var (_, cycle) = await new Scenario(mesh).OpenCycleAsync(1_000_000, new Tier { Name = "5k", AmountMinor = 5_000_00, Slots = 1 });
        await mesh.StopAsync("messaging");
        Idea idea;
        try
        {
            idea = await new Scenario(mesh).SubmitAsync(cycle, "Seed library", "5k", "author-outbox");

            var stored = await mesh.Ideas.GetIdeaAsync(new GetIdeaRequest { IdeaId = idea.Id });
            Assert.Equal(IdeaStatus.Submitted, stored.Status);
            var activity = await mesh.Community.ListIdeaActivityAsync(new ListIdeaActivityRequest { IdeaId = idea.Id });
            Assert.Empty(activity.Items);
        }
        finally
        {
            await mesh.StartAsync("messaging");
        }

        var delivered = await Eventually.Get(() => mesh.Community.ListIdeaActivityAsync(new ListIdeaActivityRequest { IdeaId = idea.Id }).ResponseAsync,
            f => f.Items.Count > 0, "the submission to reach Community", seconds: 90);
        Assert.Equal(ActivityKind.IdeaSubmitted, delivered.Items.Single().Kind);
    }

    [Fact]
    public async Task An_unreadable_outbox_row_is_set_aside_and_shown_while_the_events_behind_it_go_out()
    {
        var (_, cycle) = await new Scenario(mesh).OpenCycleAsync(1_000_000, Scenario.FiveK);
        var ideas = await mesh.ConnectionStringAsync("ideasdb");
        await using (var connection = new NpgsqlConnection(ideas))
        {
            await connection.OpenAsync();
            // An event of a type this version does not know, as an older or newer release might leave.
            await new NpgsqlCommand(
                "INSERT INTO outbox (event_id, type, payload) VALUES (gen_random_uuid(), 'ConductorMesh.Contracts.NoSuchEvent', '{}')",
                connection).ExecuteNonQueryAsync();
        }

        var idea = await new Scenario(mesh).SubmitAsync(cycle, "Behind a bad row", "5k", "author-poison");

        await mesh.Bus.WaitFor<ConductorMesh.Contracts.IdeaSubmitted>(e => e.IdeaId == Guid.Parse(idea.Id), "the event behind the bad row");
        // The relay commits what it did after the broker has the event: wait for that commit.
        var problem = await Eventually.Get(async () =>
        {
            await using var connection = new NpgsqlConnection(ideas);
            await connection.OpenAsync();
            return await new NpgsqlCommand(
                "SELECT problem FROM outbox WHERE type = 'ConductorMesh.Contracts.NoSuchEvent' AND set_aside_at IS NOT NULL", connection).ExecuteScalarAsync() as string;
        }, p => p is not null, "the bad row to be set aside");
        Assert.Contains("NoSuchEvent", problem);
        using var console = mesh.ConsoleApi();
        using var bus = System.Text.Json.JsonDocument.Parse(await console.GetStringAsync("/api/bus"));
        var shown = bus.RootElement.GetProperty("outbox").EnumerateArray().Single(o => o.GetProperty("service").GetString() == "ideas");
        Assert.True(shown.GetProperty("setAside").GetInt64() >= 1);
    }

    [Fact]
    public async Task Published_events_and_handled_event_records_past_their_retention_are_deleted()
    {
        var ideas = await mesh.ConnectionStringAsync("ideasdb");
        async Task<long> CountAsync(string sql)
        {
            await using var connection = new NpgsqlConnection(ideas);
            await connection.OpenAsync();
            return (long)(await new NpgsqlCommand(sql, connection).ExecuteScalarAsync())!;
        }
        var (old, recent, oldHandled) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await using (var connection = new NpgsqlConnection(ideas))
        {
            await connection.OpenAsync();
            await new NpgsqlCommand($$"""
                INSERT INTO outbox (event_id, type, payload, created_at, sent_at) VALUES
                    ('{{old}}', 'ConductorMesh.Contracts.IdeaSubmitted', '{}', now() - interval '3 days', now() - interval '2 days'),
                    ('{{recent}}', 'ConductorMesh.Contracts.IdeaSubmitted', '{}', now() - interval '1 hour', now() - interval '1 hour');
                INSERT INTO processed_events (consumer, event_id, processed_at) VALUES ('Retention', '{{oldHandled}}', now() - interval '8 days');
                """, connection).ExecuteNonQueryAsync();
        }

        // Retention runs as a service starts, then hourly.
        await mesh.StopAsync("ideas");
        await mesh.StartAsync("ideas");

        await Eventually.Get(() => CountAsync($"SELECT count(*) FROM outbox WHERE event_id = '{old}'"), n => n == 0, "the old published event to go");
        await Eventually.Get(() => CountAsync($"SELECT count(*) FROM processed_events WHERE event_id = '{oldHandled}'"), n => n == 0,
            "the old handled-event record to go");
        Assert.Equal(1, await CountAsync($"SELECT count(*) FROM outbox WHERE event_id = '{recent}'"));
    }
}
