using System.Diagnostics;
using ConductorMesh.Voting.V1;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace ConductorMesh.IntegrationTests;

/// <summary>A process that dies on its own is started again by the AppHost, and what it acknowledged is kept.</summary>
[Collection(MeshCollection.Name)]
public sealed class CrashRestartTests(MeshFixture mesh)
{
    private readonly Scenario scenario = new(mesh);

    [Fact]
    public async Task A_killed_service_comes_back_serving_by_itself_and_keeps_its_votes()
    {
        var (_, cycle) = await scenario.OpenCycleAsync(1_000_000, Scenario.FiveK);
        var idea = await scenario.ApprovedAsync(cycle, "Survives a crash", "5k", "author-crash");
        await scenario.VoteAsync(idea, 2);
        var restarts = mesh.Restarts("voting");
        var pid = mesh.System.ProcessId("voting") ?? throw new InvalidOperationException("voting has no process id");

        Process.GetProcessById(pid).Kill(); // SIGKILL: no chance to stop cleanly

        using var channel = GrpcChannel.ForAddress(mesh.Url("voting"));
        await Eventually.Get(async () =>
        {
            try
            {
                return (await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(2))).Status;
            }
            catch (Grpc.Core.RpcException)
            {
                return HealthCheckResponse.Types.ServingStatus.Unknown;
            }
        }, status => status == HealthCheckResponse.Types.ServingStatus.Serving && mesh.System.ProcessId("voting") != pid,
            "a new voting process to serve", seconds: 60);
        Assert.Equal(restarts + 1, mesh.Restarts("voting"));
        var standing = await mesh.Voting.GetIdeaStandingAsync(new GetIdeaStandingRequest { IdeaId = idea.Id });
        Assert.Equal(2, standing.Votes);
    }
}
