using ConductorMesh.Community.Data;

namespace ConductorMesh.Community;

public static class CommunityExtensions
{
    public static IHostApplicationBuilder AddCommunity(this IHostApplicationBuilder builder)
    {
        builder.AddMeshDatabase("communitydb");
        builder.AddMeshMessaging("community", typeof(CommunityExtensions).Assembly);
        builder.Services.AddMeshGrpc();
        builder.Services.AddSingleton<FeedStore>();
        return builder;
    }
}
