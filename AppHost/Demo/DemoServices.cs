namespace ConductorMesh.AppHost.Demo;

/// <summary>The services the demo program is loaded through.</summary>
public sealed record DemoServices(
    IResourceBuilder<ProjectResource> Grants,
    IResourceBuilder<ProjectResource> Ideas,
    IResourceBuilder<ProjectResource> Voting,
    IResourceBuilder<ProjectResource> Community)
{
    public IEnumerable<IResourceBuilder<ProjectResource>> All => [Grants, Ideas, Voting, Community];
}
