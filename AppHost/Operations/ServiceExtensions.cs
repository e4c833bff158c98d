using ConductorMesh.AppHost.Infrastructure;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ConductorMesh.AppHost.Operations;

public static class ServiceExtensions
{
    /// <summary>
    /// One of the four services, as many replicas as <c>Mesh:Replicas:{name}</c> asks (one
    /// unless set; <c>Mesh__Replicas__voting=2</c> in the environment).
    /// </summary>
    public static MeshService AddMeshService<TProject>(
        this IDistributedApplicationBuilder builder, string name, LocalState state)
        where TProject : IProjectMetadata, new()
    {
        var count = Math.Max(1, builder.Configuration.GetValue<int?>($"Mesh:Replicas:{name}") ?? 1);
        return new MeshService(name, Enumerable.Range(1, count)
            .Select(i => builder.AddServiceReplica<TProject>(MeshService.ReplicaName(name, i), state)).ToList());
    }

    /// <summary>
    /// One replica: gRPC over h2c on its port (the service's known port for the first, a free one
    /// for the others), the local token key, healthy when grpc.health.v1 answers SERVING, and back
    /// by itself after a crash.
    /// </summary>
    private static IResourceBuilder<ServiceResource> AddServiceReplica<TProject>(
        this IDistributedApplicationBuilder builder, string name, LocalState state)
        where TProject : IProjectMetadata, new()
    {
        var service = builder.AddBuiltProject<TProject>(name)
            .WithUrlForEndpoint("http", u => u.DisplayText = "gRPC (h2c)")
            .WithEnvironment("Auth__SigningKey", Convert.ToBase64String(state.SigningKey))
            .WithIconName("ServerSurface")
            .WithRestartOnCrash();
        var key = $"{name}_serving";
        GrpcChannel? channel = null;
        builder.Services.AddHealthChecks().AddAsyncCheck(key, async ct =>
        {
            try
            {
                channel ??= GrpcChannel.ForAddress(service.GetEndpoint("http").Url);
                var reply = await new Health.HealthClient(channel).CheckAsync(
                    new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(3), cancellationToken: ct);
                return reply.Status == HealthCheckResponse.Types.ServingStatus.Serving
                    ? HealthCheckResult.Healthy()
                    : HealthCheckResult.Unhealthy($"grpc.health.v1 answers {reply.Status}");
            }
            catch (Grpc.Core.RpcException e)
            {
                return HealthCheckResult.Unhealthy(e.Status.Detail);
            }
        });
        return service.WithHealthCheck(key);
    }

    /// <summary>
    /// A project of the repository, run from the build output of the AppHost's own configuration
    /// (building the AppHost builds it), on its known port, with Aspire's conventions: OTLP,
    /// ASPNETCORE_URLS and discovery of the services it references.
    /// </summary>
    private static IResourceBuilder<ServiceResource> AddBuiltProject<TProject>(this IDistributedApplicationBuilder builder, string name)
        where TProject : IProjectMetadata, new()
    {
        var project = new TProject().ProjectPath;
        var output = Path.Combine(Path.GetDirectoryName(project)!, "bin", LocalState.Configuration, "net10.0");
        var service = new ServiceResource(name, Path.Combine(output, Path.GetFileNameWithoutExtension(project)), output);
        var http = new EndpointReference(service, "http");
        return builder.AddResource(service)
            .WithEndpoint("http", e => e.Direct(MeshPorts.OfOrFree(builder.Configuration, name)).UriScheme = "http")
            .WithEnvironment(context =>
            {
                context.EnvironmentVariables["ASPNETCORE_URLS"] = ReferenceExpression.Create($"http://localhost:{http.Property(EndpointProperty.TargetPort)}");
                context.EnvironmentVariables["DOTNET_ENVIRONMENT"] = "Production";
                context.EnvironmentVariables["Logging__Console__FormatterName"] = "simple";
            })
            .WithOtlpExporter()
            .WithEnvironment(context =>
            {
                // Aspire's development defaults export metrics every second and keep every trace;
                // under load, shipping each vote's trace to the dashboard cost more CPU than the
                // vote (docs/benchmarks.md). The services' own sampler keeps Telemetry:TracesPerSecond.
                context.EnvironmentVariables.Remove("OTEL_TRACES_SAMPLER");
                context.EnvironmentVariables["OTEL_METRIC_EXPORT_INTERVAL"] = "5000";
            });
    }

    /// <summary>
    /// The operators' console, a web project behind a login made afresh at each start; the
    /// dashboard links to it with that login.
    /// </summary>
    public static IResourceBuilder<ServiceResource> AddOperatorConsole<TProject>(
        this IDistributedApplicationBuilder builder, string name, LocalState state)
        where TProject : IProjectMetadata, new()
    {
        var login = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        return builder.AddBuiltProject<TProject>(name)
            .WithUrlForEndpoint("http", u =>
            {
                u.Url = $"{u.Url}/login?t={login}";
                u.DisplayText = "Operator console";
            })
            .WithEnvironment("Console__LoginToken", login)
            .WithEnvironment("Auth__SigningKey", Convert.ToBase64String(state.SigningKey))
            .WithHttpHealthCheck("/health")
            .WithIconName("DataHistogram")
            .WithRestartOnCrash();
    }
}
