namespace ConductorMesh.AppHost.Infrastructure;

/// <summary>A service's database on the PostgreSQL server (ours, or an existing one).</summary>
public sealed class MeshDatabaseResource(string name, string databaseName, IResourceWithConnectionString server)
    : Resource(name), IResourceWithParent<IResourceWithConnectionString>, IResourceWithConnectionString, IResourceWithWaitSupport
{
    public string DatabaseName => databaseName;

    public IResourceWithConnectionString Parent => server;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"{server};Database={databaseName}");
}
