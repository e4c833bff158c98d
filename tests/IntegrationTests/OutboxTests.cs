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
}
