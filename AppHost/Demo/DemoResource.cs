namespace ConductorMesh.AppHost.Demo;

/// <summary>The demo program, shown in the dashboard with its state and a command to load it again.</summary>
public sealed class DemoResource(string name) : Resource(name);
