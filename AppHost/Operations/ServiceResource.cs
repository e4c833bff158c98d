namespace ConductorMesh.AppHost.Operations;

/// <summary>
/// A service run from its build output (the project's own executable) rather than through
/// <c>dotnet run</c>: no second process per service, and a crashed service is back in the time
/// its own start takes, with no project evaluation first.
/// </summary>
public sealed class ServiceResource(string name, string command, string workingDirectory)
    : ExecutableResource(name, command, workingDirectory), IResourceWithServiceDiscovery;
