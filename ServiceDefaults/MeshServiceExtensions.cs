using System.Reflection;
using ConductorMesh.Community.V1;
using ConductorMesh.ServiceDefaults.Auth;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

public static class MeshServiceExtensions
{
    /// <summary>
    /// What every ConductorMesh service is: its database (<c>ConnectionStrings:{name}db</c>), the bus
    /// with the consumers of <paramref name="serviceAssembly"/> on queues named after the service,
    /// callers' bearer tokens checked against the access rules of <paramref name="api"/>'s protos,
    /// and gRPC with the shared error mapping, reflection and health.
    /// </summary>
    public static IHostApplicationBuilder AddMeshService(this IHostApplicationBuilder builder, string name, Assembly serviceAssembly, Google.Protobuf.Reflection.ServiceDescriptor api)
    {
        builder.AddMeshDatabase($"{name}db");
        builder.AddMeshMessaging(name, serviceAssembly);
        builder.AddMeshAuthentication(name);
        builder.AddMeshRateLimits();
        builder.Services.AddSingleton(new AccessRules(api));
        builder.Services.AddSingleton<CallerAccess>();
        // Which partner a member belongs to is Community's to say; Community answers from its own tables.
        builder.Services.AddMeshGrpcClient<CommunityApi.CommunityApiClient>("community");
        builder.Services.AddSingleton<IMemberDirectory, CommunityMemberDirectory>();
        builder.Services.AddMeshGrpc();
        return builder;
    }
}
