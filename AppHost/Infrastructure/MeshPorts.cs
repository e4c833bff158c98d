using Microsoft.Extensions.Configuration;

namespace ConductorMesh.AppHost.Infrastructure;

/// <summary>
/// The ports partners and operators know. Each can be moved with MESH_&lt;RESOURCE&gt;_PORT
/// (MESH_IDEAS_PORT=7201). Test runs leave them be: Aspire's testing host gives every
/// endpoint a random port of its own.
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

    public static int Of(IConfiguration configuration, string resource) =>
        OfOrAny(configuration, resource) ?? throw new KeyNotFoundException($"{resource} has no known port");

    /// <summary>The resource's port if it has one; none (a free one chosen at start) for a second replica of a service.</summary>
    public static int? OfOrAny(IConfiguration configuration, string resource) =>
        configuration.GetValue<int?>($"MESH_{resource.ToUpperInvariant().Replace('-', '_')}_PORT")
            ?? (Defaults.TryGetValue(resource, out var port) ? port : null);
}
