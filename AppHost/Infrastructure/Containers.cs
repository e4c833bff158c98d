using Microsoft.Extensions.Configuration;

namespace ConductorMesh.AppHost.Infrastructure;

/// <summary>
/// The one switch to Aspire's own container integrations (PostgreSQL, Redis, RabbitMQ) where a
/// container engine runs: <c>Mesh__Containers=true ./mesh up</c>. Without it, the servers run
/// from the machine's binaries, as on machines with no container engine.
/// </summary>
public static class Containers
{
    public static bool Enabled(IDistributedApplicationBuilder builder) => builder.Configuration.GetValue<bool>("Mesh:Containers");
}
