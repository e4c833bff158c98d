using ConductorMesh.AppHost.Resources;

namespace ConductorMesh.AppHost.Hosting;

/// <summary>Declares resources in the shape of .NET Aspire's builder (AddPostgres, AddRedis, AddRabbitMQ, AddProject).</summary>
public sealed class DistributedApplicationBuilder(AppHostSettings settings)
{
    private readonly List<Resource> resources = [];

    public AppHostSettings Settings => settings;

    public PostgresServer AddPostgres(string name) => Add(new PostgresServer(name, settings));

    public RedisServer AddRedis(string name) => Add(new RedisServer(name, settings));

    public RabbitMqBroker AddRabbitMQ(string name) => Add(new RabbitMqBroker(name, settings));

    /// <summary>A service under services/{project}.</summary>
    public ProjectResource AddProject(string name, string project) => Add(new ProjectResource(name, project, settings));

    public DistributedApplication Build() => new(resources, settings);

    private T Add<T>(T resource) where T : Resource
    {
        resources.Add(resource);
        return resource;
    }
}
