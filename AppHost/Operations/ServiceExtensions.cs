using ConductorMesh.AppHost.Infrastructure;
using ConductorMesh.ServiceDefaults.Auth;
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
        // Every replica proves the same caller, "service <name>", with the service's own key.
        var ownKey = builder.AddOwnKey(state, MeshClaims.Roles.Service, name);
        return new MeshService(name, Enumerable.Range(1, count)
            .Select(i => builder.AddServiceReplica<TProject>(MeshService.ReplicaName(name, i), state, ownKey)).ToList());
    }

    /// <summary>
    /// One replica: gRPC over h2c on its port (the service's known port for the first, a free one
    /// for the others), the local token key, healthy when grpc.health.v1 answers SERVING, and back
    /// by itself after a crash.
    /// </summary>
    private static IResourceBuilder<ServiceResource> AddServiceReplica<TProject>(
        this IDistributedApplicationBuilder builder, string name, LocalState state, IResourceBuilder<ParameterResource> ownKey)
        where TProject : IProjectMetadata, new()
    {
        var service = builder.AddBuiltProject<TProject>(name)
            .WithUrlForEndpoint("http", u => u.DisplayText = "gRPC (h2c)")
            .WithTokenKeys(state, ownKey)
            .WithIconName("ServerSurface")
            .WithRestartOnCrash();
        var key = $"{name}_serving";
        GrpcChannel? channel = null;
        // The probe names itself with an operator token: calls without one share a per-address
        // limit, and a flood of them from this machine must not make a healthy service look down.
        var probe = new SelfIssuedToken(state.Issuer, MeshClaims.Roles.Operator, "apphost");
        builder.Services.AddHealthChecks().AddAsyncCheck(key, async ct =>
        {
            try
            {
                channel ??= BearerChannel.To(new Uri(service.GetEndpoint("http").Url), () => probe.Current);
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
            // A secret parameter: masked in the dashboard, and a reference in a published manifest.
            .WithEnvironment("Console__LoginToken", builder.AddParameter($"{name}-login", () => login, secret: true))
            .WithTokenKeys(state, builder.AddOwnKey(state, MeshClaims.Roles.Operator, name))
            .WithHttpHealthCheck("/health")
            .WithIconName("DataHistogram")
            .WithRestartOnCrash();
    }

    /// <summary>
    /// The private key of <paramref name="owner"/>, which signs only as <paramref name="role"/>
    /// <paramref name="owner"/> (made on first use, kept in the state folder), as a secret
    /// parameter: masked in the dashboard, and a reference, not a value, in a published manifest.
    /// </summary>
    private static IResourceBuilder<ParameterResource> AddOwnKey(this IDistributedApplicationBuilder builder, LocalState state, string role, string owner)
    {
        var signer = state.SignerOf(TrustedKeys.BoundKeyId(role, owner));
        return builder.AddParameter($"{owner}-key", () => signer.PrivateKey, secret: true);
    }

    /// <summary>
    /// The keys a process needs for tokens: its own private key (<c>Auth:OwnKey</c>) and the public
    /// keys it trusts (<c>Auth:TrustedKeys</c>): the issuer's and every caller's own. The issuer's
    /// private key is never given out.
    /// </summary>
    private static IResourceBuilder<ServiceResource> WithTokenKeys(this IResourceBuilder<ServiceResource> resource, LocalState state, IResourceBuilder<ParameterResource> ownKey)
    {
        return resource.WithEnvironment("Auth__OwnKey", ownKey)
            // Read when the process starts, when every caller's key has been made.
            .WithEnvironment(context => context.EnvironmentVariables["Auth__TrustedKeys"] = state.TrustedKeys());
    }
}
