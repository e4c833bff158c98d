using ConductorMesh.Grants.Data;
using ConductorMesh.Voting.V1;

namespace ConductorMesh.Grants;

public static class GrantsExtensions
{
    public static IHostApplicationBuilder AddGrants(this IHostApplicationBuilder builder)
    {
        builder.AddMeshService("grants", typeof(GrantsExtensions).Assembly);
        builder.Services.AddSingleton<GrantsStore>();
        // Final tallies are a synchronous question to Voting, resolved by service discovery.
        builder.Services.AddGrpcClient<VotingApi.VotingApiClient>(o => o.Address = new Uri("http://voting"));
        return builder;
    }
}
