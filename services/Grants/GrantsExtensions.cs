using ConductorMesh.Grants.Data;
using ConductorMesh.Grants.Domain;
using ConductorMesh.Grants.Events;
using ConductorMesh.Grants.Grpc;
using ConductorMesh.Voting.V1;

namespace ConductorMesh.Grants;

public static class GrantsExtensions
{
    public static IHostApplicationBuilder AddGrants(this IHostApplicationBuilder builder)
    {
        builder.AddMeshService("grants", typeof(GrantsExtensions).Assembly, ConductorMesh.Grants.V1.GrantsApi.Descriptor);
        builder.Services.Configure<GrantsRules>(builder.Configuration.GetSection("Grants"));
        builder.Services.AddSingleton<GrantsStore>();
        builder.Services.AddSingleton<AwardsStore>();
        builder.Services.AddSingleton<CycleSteps>();
        builder.Services.AddSingleton<VotingCounts>();
        builder.Services.AddHostedService<PhaseScheduler>();
        // Final tallies are a synchronous question to Voting, resolved by service discovery.
        builder.Services.AddMeshGrpcClient<VotingApi.VotingApiClient>("voting");
        return builder;
    }
}
