using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.Extensions.Hosting;
using static Grpc.Health.V1.HealthCheckResponse.Types;

namespace ConductorMesh.IntegrationTests.Deployment;

/// <summary>
/// The probes Kubernetes' kubelet makes, which carry no token: ready is every check, alive the
/// process alone, so a database outage takes replicas out of service without restarting them.
/// </summary>
[Collection(MeshCollection.Name)]
public sealed class ProbeTests(MeshFixture mesh)
{
    [Fact]
    public async Task A_service_without_its_database_is_not_ready_but_still_alive()
    {
        var health = new Health.HealthClient(GrpcChannel.ForAddress(mesh.Url("voting")));
        Task<HealthCheckResponse> CheckAsync(string service) => health.CheckAsync(new HealthCheckRequest { Service = service }).ResponseAsync;
        Assert.Equal(ServingStatus.Serving, (await CheckAsync("")).Status);
        Assert.Equal(ServingStatus.Serving, (await CheckAsync(GrpcExtensions.LivenessService)).Status);

        await mesh.StopAsync("postgres");
        try
        {
            await Eventually.Get(() => CheckAsync(""), r => r.Status == ServingStatus.NotServing, "Voting to say it is not ready");
            Assert.Equal(ServingStatus.Serving, (await CheckAsync(GrpcExtensions.LivenessService)).Status);
        }
        finally
        {
            await mesh.StartAsync("postgres");
            Npgsql.NpgsqlConnection.ClearAllPools();
            await mesh.App.ResourceNotifications.WaitForResourceHealthyAsync("voting");
        }
    }
}
