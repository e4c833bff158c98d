using Microsoft.Extensions.Configuration;

namespace ConductorMesh.AppHost.Infrastructure;

/// <summary>
/// The ports partners and operators know. Each can be moved with MESH_&lt;RESOURCE&gt;_PORT
/// (MESH_IDEAS_PORT=7201); a test run moves every one of them to a free port.
/// </summary>
public static class MeshPorts
{
    private static readonly Dictionary<string, int> Defaults = new()
    {
        ["ideas"] = 7101,
        ["voting"] = 7102,
        ["grants"] = 7103,
        ["community"] = 7104,
        ["console"] = 7105,
        ["postgres"] = 55432,
        ["redis"] = 56379,
        ["messaging"] = 55672,
        ["messaging-dist"] = 55772,
        ["messaging-epmd"] = 55872,
        ["messaging-management"] = 55972,
    };

    /// <summary>The resources with a known port, each as the setting that moves it.</summary>
    public static IEnumerable<string> Settings => Defaults.Keys.Select(Setting);

    public static int Of(IConfiguration configuration, string resource) =>
        OfOrAny(configuration, resource) ?? throw new KeyNotFoundException($"{resource} has no known port");

    /// <summary>The resource's port if it has one; none for a second replica of a service.</summary>
    public static int? OfOrAny(IConfiguration configuration, string resource) =>
        configuration.GetValue<int?>(Setting(resource)) ?? (Defaults.TryGetValue(resource, out var port) ? port : null);

    /// <summary>The resource's port if it has one, or one free now.</summary>
    public static int OfOrFree(IConfiguration configuration, string resource) =>
        OfOrAny(configuration, resource) ?? FreePorts.Take(1)[0];

    /// <summary>
    /// The server listens on the port itself, not behind DCP's proxy. The proxy would add a hop,
    /// and a process spending CPU, to every call and every query (docs/benchmarks.md); it is
    /// needed only to spread one port over replicas, and our replicas have ports of their own.
    /// </summary>
    public static EndpointAnnotation Direct(this EndpointAnnotation endpoint, int port)
    {
        endpoint.Port = endpoint.TargetPort = port;
        endpoint.IsProxied = false;
        return endpoint;
    }

    private static string Setting(string resource) => $"MESH_{resource.ToUpperInvariant().Replace('-', '_')}_PORT";
}
