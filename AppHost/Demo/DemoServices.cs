using ConductorMesh.AppHost.Operations;

namespace ConductorMesh.AppHost.Demo;

/// <summary>The services the demo program is loaded through.</summary>
public sealed record DemoServices(
    IResourceBuilder<ServiceResource> Grants,
    IResourceBuilder<ServiceResource> Ideas,
    IResourceBuilder<ServiceResource> Voting,
    IResourceBuilder<ServiceResource> Community)
{
    public IEnumerable<IResourceBuilder<ServiceResource>> All => [Grants, Ideas, Voting, Community];
}
