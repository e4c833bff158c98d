using ConductorMesh.Community.Data;

namespace ConductorMesh.Community;

public static class CommunityExtensions
{
    public static IHostApplicationBuilder AddCommunity(this IHostApplicationBuilder builder)
    {
        builder.AddMeshService("community", typeof(CommunityExtensions).Assembly);
        builder.Services.AddSingleton<FeedStore>();
        return builder;
    }
}
