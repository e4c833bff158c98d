using System.Reflection;

namespace Microsoft.Extensions.Hosting;

public static class MeshServiceExtensions
{
    /// <summary>
    /// What every ConductorMesh service is: its database (<c>ConnectionStrings:{name}db</c>), the bus
    /// with the consumers of <paramref name="serviceAssembly"/> on queues named after the service,
    /// callers' bearer tokens, and gRPC with the shared error mapping, reflection and health.
    /// </summary>
    public static IHostApplicationBuilder AddMeshService(this IHostApplicationBuilder builder, string name, Assembly serviceAssembly)
    {
        builder.AddMeshDatabase($"{name}db");
        builder.AddMeshMessaging(name, serviceAssembly);
        builder.AddMeshAuthentication();
        builder.AddMeshRateLimits();
        builder.Services.AddMeshGrpc();
        return builder;
    }
}
