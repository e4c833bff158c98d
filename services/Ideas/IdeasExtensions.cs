using ConductorMesh.Grants.V1;
using ConductorMesh.Ideas.Data;

namespace ConductorMesh.Ideas;

public static class IdeasExtensions
{
    public static IHostApplicationBuilder AddIdeas(this IHostApplicationBuilder builder)
    {
        builder.AddMeshService("ideas", typeof(IdeasExtensions).Assembly, ConductorMesh.Ideas.V1.IdeasApi.Descriptor);
        builder.Services.AddSingleton<IdeasStore>();
        // Which cycle takes submissions, and its tiers, is a synchronous question to Grants.
        builder.Services.AddMeshGrpcClient<GrantsApi.GrantsApiClient>("grants");
        // A withdrawal takes the idea out of the vote before it is answered.
        builder.Services.AddMeshGrpcClient<ConductorMesh.Voting.V1.VotingApi.VotingApiClient>("voting");
        return builder;
    }
}
