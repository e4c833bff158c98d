using ConductorMesh.AppHost.Hosting;
using ConductorMesh.ServiceDefaults.Auth;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace ConductorMesh.AppHost.Resources;

/// <summary>
/// One of the services, run from its build output with its configuration injected the way
/// .NET Aspire injects it: <c>ConnectionStrings__*</c>, <c>services__{name}__http__0</c>, OTEL_*.
/// Healthy when grpc.health.v1 answers SERVING.
/// </summary>
public sealed class ProjectResource(string name, string project, AppHostSettings settings) : Resource(name, "Service", settings)
{
    private readonly Dictionary<string, string> environment = [];
    private GrpcChannel? channel;

    public int Port => Settings.Port(Name);

    protected override int? ListensOn => Port;

    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>
    /// A channel to the service whose calls carry <paramref name="token"/> unless a call brings its
    /// own; it opens more HTTP/2 connections when many calls are in flight at once.
    /// </summary>
    public GrpcChannel ChannelAs(SelfIssuedToken token) =>
        GrpcChannel.ForAddress(Url, new GrpcChannelOptions
        {
            HttpHandler = new BearerHandler(() => token.Current, new SocketsHttpHandler { EnableMultipleHttp2Connections = true }),
        });

    public override string Endpoint => $"{Url} (gRPC, h2c)";

    public string AssemblyPath => Path.Combine(AppHostSettings.RepoRoot, "services", project, "bin", AppHostSettings.Configuration, "net10.0", $"ConductorMesh.{project}.dll");

    public ProjectResource WithReference(IConnectionStringResource resource)
    {
        environment[$"ConnectionStrings__{resource.ConnectionName}"] = resource.ConnectionString;
        WaitFor(resource.Server);
        return this;
    }

    /// <summary>Lets this service call <paramref name="service"/> as http://{name}; no wait, so services may call each other.</summary>
    public ProjectResource WithReference(ProjectResource service)
    {
        environment[$"services__{service.Name}__http__0"] = service.Url;
        return this;
    }

    public ProjectResource WithEnvironment(string key, string value)
    {
        environment[key] = value;
        return this;
    }

    protected override ProcessSpec CreateSpec()
    {
        if (!File.Exists(AssemblyPath))
        {
            throw new FileNotFoundException($"{Name} is not built ({AssemblyPath}); run ./mesh up, which builds it.");
        }
        var spec = new ProcessSpec("dotnet", [AssemblyPath], Path.GetDirectoryName(AssemblyPath)!)
        {
            Environment =
            {
                ["ASPNETCORE_URLS"] = Url,
                ["OTEL_SERVICE_NAME"] = Name,
                ["DOTNET_ENVIRONMENT"] = "Production",
                ["Logging__Console__FormatterName"] = "simple",
            },
        };
        foreach (var (key, value) in environment)
        {
            spec.Environment[key] = value;
        }
        return spec;
    }

    public override async Task<bool> IsHealthyAsync(CancellationToken ct)
    {
        channel ??= GrpcChannel.ForAddress(Url);
        try
        {
            var reply = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(3), cancellationToken: ct);
            return reply.Status == HealthCheckResponse.Types.ServingStatus.Serving;
        }
        catch (Grpc.Core.RpcException)
        {
            return false;
        }
    }
}
