using ConductorMesh.ServiceDefaults.Auth;
using ConductorMesh.ServiceDefaults.Grpc;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

public static class GrpcExtensions
{
    /// <summary>The grpc.health.v1 service name that answers for the process alone (Kubernetes' liveness probe).</summary>
    public const string LivenessService = "liveness";

    /// <summary>gRPC with the shared error mapping, the access rules, server reflection and grpc.health.v1 fed by the health checks.</summary>
    public static IServiceCollection AddMeshGrpc(this IServiceCollection services)
    {
        services.AddSingleton<ErrorMapping>();
        services.AddGrpc(o =>
        {
            o.Interceptors.Add<ErrorMappingInterceptor>();
            o.Interceptors.Add<AccessInterceptor>();
            o.MaxReceiveMessageSize = 4 * 1024 * 1024;
        });
        services.AddGrpcReflection();
        services.AddGrpcHealthChecks(o =>
        {
            // "" is every check (ready: its database, broker and caches answer); "liveness" only the
            // process's own, so a liveness probe does not restart every replica while a database is down.
            o.Services.Map("", _ => true);
            o.Services.Map(LivenessService, check => check.Tags.Contains(Extensions.LiveTag));
        });
        return services;
    }

    /// <summary>Maps the service's API, behind token authentication, with reflection, grpc.health.v1 and the HTTP health endpoints.</summary>
    public static WebApplication MapMeshGrpc<TService>(this WebApplication app) where TService : class
    {
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.MapGrpcService<TService>();
        app.MapGrpcReflectionService();
        app.MapGrpcHealthChecksService();
        app.MapDefaultEndpoints();
        return app;
    }
}
