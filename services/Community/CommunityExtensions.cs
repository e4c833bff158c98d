using ConductorMesh.Community.Data;
using ConductorMesh.Community.Domain;
using ConductorMesh.Ideas.V1;

namespace ConductorMesh.Community;

public static class CommunityExtensions
{
    public static IHostApplicationBuilder AddCommunity(this IHostApplicationBuilder builder)
    {
        builder.AddMeshService("community", typeof(CommunityExtensions).Assembly, ConductorMesh.Community.V1.CommunityApi.Descriptor);
        builder.Services.Configure<CommunityRules>(builder.Configuration.GetSection("Community"));
        builder.Services.AddSingleton<FeedStore>();
        builder.Services.AddSingleton<MembersStore>();
        builder.Services.AddSingleton<ConductorMesh.ServiceDefaults.Auth.IMemberDirectory, LocalMemberDirectory>();
        builder.Services.AddSingleton<FollowsStore>();
        builder.Services.AddSingleton<CommentsStore>();
        builder.Services.AddSingleton<ElementsStore>();
        builder.Services.AddSingleton<IdeaDirectory>();
        builder.Services.AddSingleton<FeedWatch>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<FeedWatch>());
        // Ideas unknown here yet (their IdeaSubmitted on its way) are asked of Ideas.
        builder.Services.AddMeshGrpcClient<IdeasApi.IdeasApiClient>("ideas");
        return builder;
    }
}
