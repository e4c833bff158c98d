using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using ConductorMesh.AppHost;
using ConductorMesh.AppHost.Infrastructure;
using ConductorMesh.AppHost.Operations;
using ConductorMesh.ServiceDefaults.Auth;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ConductorMesh.Testing;

/// <summary>
/// The very AppHost that <c>./mesh up</c> runs, started through Aspire.Hosting.Testing: every
/// endpoint on a free port (so a running <c>./mesh up</c> is never touched), its data in a temporary folder removed when it is disposed. Shared by
/// the integration tests and the benchmark.
/// </summary>
public sealed class TestSystem : IAsyncDisposable
{
    /// <summary>Every resource the AppHost declares (the dashboard and parameters aside), each waited for until healthy.</summary>
    public IReadOnlyList<string> Resources =>
        App.Services.GetRequiredService<DistributedApplicationModel>().Resources
            .Where(r => r is not ParameterResource).Select(r => r.Name).Where(name => name != "aspire-dashboard").ToList();

    private TestSystem(DistributedApplication app, string stateDirectory, string browserToken) =>
        (App, StateDirectory, this.browserToken) = (app, stateDirectory, browserToken);

    private readonly string browserToken;

    public DistributedApplication App { get; }

    public string StateDirectory { get; }

    /// <summary>The Aspire dashboard (a resource of its own, on a random port like the others), and the address that logs in to it.</summary>
    public string DashboardUrl => App.GetEndpoint("aspire-dashboard", "http").ToString().TrimEnd('/');

    public string DashboardLogin => $"{DashboardUrl}/login?t={browserToken}";

    /// <summary>The key that signs the tokens the running system accepts.</summary>
    public TokenSigner Issuer => LocalState.At(StateDirectory).Issuer;

    /// <summary>
    /// Redeliveries a test can wait out, instead of ./mesh up's minutes and hours: still about a
    /// minute in all, longer than any server outage a test makes.
    /// </summary>
    public const string RedeliverySeconds = "1,2,4,8,16";

    /// <summary>Partners whose calls and streamed votes are not held to the default partner limit.</summary>
    public static readonly string[] GatewayPartners = ["test-partner", "bench-gateway"];

    /// <summary>
    /// Starts the system, as durable as ./mesh up's (PostgreSQL with fsync and synchronous commit),
    /// with <paramref name="replicas"/> replicas of each of the four services.
    /// </summary>
    public static async Task<TestSystem> StartAsync(CancellationToken ct, int replicas = 1)
    {
        var state = Directory.CreateTempSubdirectory("conductormesh-test-").FullName;
        // The servers run as their own system users when started by root; they must reach the folder.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(state, (UnixFileMode)Convert.ToInt32("755", 8));
        }
        var ports = FreePorts.Take(3);
        var browserToken = Guid.NewGuid().ToString("N");
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.ConductorMesh_AppHost>(
        [
            $"Mesh:StateDirectory={state}",
            // Every server listens on its port directly, outside Aspire's proxy (MeshPorts.Direct),
            // so the testing host cannot randomize them: each known port is moved to a free one.
            .. MeshPorts.Settings.Zip(FreePorts.Take(MeshPorts.Settings.Count())).Select(p => $"{p.First}={p.Second}"),
            $"ASPNETCORE_URLS=http://localhost:{ports[0]}",
            $"ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL=http://localhost:{ports[1]}",
            $"ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL=http://localhost:{ports[2]}",
            "ASPIRE_ALLOW_UNSECURED_TRANSPORT=true",
            $"ASPIRE_DASHBOARD_FRONTEND_BROWSERTOKEN={browserToken}",
            .. new[] { "ideas", "voting", "grants", "community" }.Select(service => $"Mesh:Replicas:{service}={replicas}"),
        ], (options, _) => options.DisableDashboard = false, ct);
        foreach (var service in builder.Resources.OfType<ServiceResource>())
        {
            service.Annotations.Add(new EnvironmentCallbackAnnotation(e =>
            {
                e.EnvironmentVariables["Messaging__RedeliverySeconds"] = RedeliverySeconds;
                // The gateways of the tests and the benchmark relay votes in bulk, with a quota of
                // their own as a deployment gives such a partner; every other partner has the default.
                foreach (var gateway in GatewayPartners)
                {
                    e.EnvironmentVariables[$"RateLimits__Partners__{gateway}"] = "1000000";
                }
            }));
        }
        // The resources' own output stays in the dashboard; a run prints only what goes wrong.
        builder.Services.AddLogging(logging => logging
            .AddFilter("ConductorMesh.AppHost.Resources", LogLevel.Warning)
            .AddFilter("Aspire", LogLevel.Warning));
        var app = await builder.BuildAsync(ct);
        var system = new TestSystem(app, state, browserToken);
        try
        {
            using var startup = CancellationTokenSource.CreateLinkedTokenSource(ct);
            startup.CancelAfter(TimeSpan.FromMinutes(4));
            await app.StartAsync(startup.Token);
            foreach (var resource in system.Resources)
            {
                await app.ResourceNotifications.WaitForResourceHealthyAsync(resource, startup.Token);
            }
            return system;
        }
        catch
        {
            // A start that fails leaves no servers behind.
            await system.DisposeAsync();
            throw;
        }
    }

    /// <summary>Where a service answers (its first replica, as partners reach it).</summary>
    public Uri Url(string service) => App.GetEndpoint(service, "http");

    public async Task<string> ConnectionStringAsync(string resource) =>
        await App.GetConnectionStringAsync(resource) ?? throw new InvalidOperationException($"{resource} has no connection string");

    /// <summary>The process id of a resource, as DCP reports it.</summary>
    public int? ProcessId(string resource) =>
        App.ResourceNotifications.TryGetCurrentState(resource, out var e)
        && e.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value is { } pid ? Convert.ToInt32(pid) : null;

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        // MESH_KEEP_TEST_STATE=1 keeps the servers' data for a look after a failure.
        if (Environment.GetEnvironmentVariable("MESH_KEEP_TEST_STATE") != "1")
        {
            Directory.Delete(StateDirectory, recursive: true);
        }
    }
}
