using ConductorMesh.AppHost;
using ConductorMesh.Voting.V1;
using Npgsql;

namespace ConductorMesh.IntegrationTests;

/// <summary>PostgreSQL runs durably in the test run: what Voting acknowledged survives a kill -9 of the database.</summary>
[Collection(MeshCollection.Name)]
public sealed class DurabilityTests(MeshFixture mesh)
{
    private readonly Scenario scenario = new(mesh);

    [Fact]
    public async Task Every_acknowledged_vote_is_there_after_postgresql_is_killed()
    {
        var (_, cycle) = await scenario.OpenCycleAsync(1_000_000, Scenario.FiveK);
        var idea = await scenario.ApprovedAsync(cycle, "Kept through a crash", "5k", "author-durable");
        var voters = await mesh.NewMembersAsync(20, "durable");
        var acknowledged = await Task.WhenAll(voters.Select(v =>
            mesh.Partner.Voting.CastVoteAsync(new CastVoteRequest { VoterId = v, IdeaId = idea.Id, Channel = VoteChannel.Web }).ResponseAsync));

        var data = LocalState.At(mesh.System.StateDirectory).DataOf("postgres");
        var postmaster = int.Parse(File.ReadLines(Path.Combine(data, "data", "postmaster.pid")).First());
        System.Diagnostics.Process.GetProcessById(postmaster).Kill(); // SIGKILL, right after the answers

        var voting = await mesh.ConnectionStringAsync("votingdb");
        var stored = await Eventually.Get(async () =>
        {
            try
            {
                await using var connection = new NpgsqlConnection(voting + ";Pooling=false;Timeout=2");
                await connection.OpenAsync();
                await using var ids = new NpgsqlCommand("SELECT id FROM votes WHERE idea_id = $1", connection) { Parameters = { new() { Value = Guid.Parse(idea.Id) } } };
                var found = new HashSet<string>();
                await using var reader = await ids.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    found.Add(reader.GetGuid(0).ToString());
                }
                return found;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                return null; // still coming back
            }
        }, found => found is not null, "PostgreSQL to be back", seconds: 90);
        // This process's pooled connections still lead to the killed server's backends: drop them,
        // so later tests start from fresh connections.
        NpgsqlConnection.ClearAllPools();
        Assert.Superset(acknowledged.Select(a => a.VoteId).ToHashSet(), stored!);
        Assert.Equal(20, stored!.Count);
        Assert.True(mesh.Restarts("postgres") >= 1);
    }
}
