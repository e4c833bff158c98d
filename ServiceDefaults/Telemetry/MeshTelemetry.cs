using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ConductorMesh.ServiceDefaults.Telemetry;

/// <summary>
/// The services' own meter and activity source, "ConductorMesh": what operators watch in the
/// dashboard's metrics view beside ASP.NET Core's, Npgsql's and MassTransit's.
/// </summary>
public static class MeshTelemetry
{
    public const string Name = "ConductorMesh";

    public static readonly Meter Meter = new(Name);

    public static readonly ActivitySource Source = new(Name);
}
