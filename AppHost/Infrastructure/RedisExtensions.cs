using ConductorMesh.AppHost.Operations;
using StackExchange.Redis;

namespace ConductorMesh.AppHost.Infrastructure;

public static class RedisExtensions
{
    /// <summary>
    /// Redis from the machine's binary (no persistence: it is a cache), or the server
    /// <c>ConnectionStrings__{name}</c> names.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddMeshRedis(
        this IDistributedApplicationBuilder builder, string name, LocalState state) =>
        builder.AddServer(name,
            container: () => builder.AddRedis(name, port: MeshPorts.Of(builder.Configuration, name)).AsConnectionString(),
            local: () => AddLocalRedis(builder, name, state));

    private static IResourceBuilder<IResourceWithConnectionString> AddLocalRedis(
        IDistributedApplicationBuilder builder, string name, LocalState state)
    {
        var data = state.DataOf(name);
        var redis = new LocalRedisResource(name, ServerUser.Binary("redis-server"), data);
        return builder.AddResource(redis)
            .WithEndpoint(LocalRedisResource.EndpointName, e => e.Direct(MeshPorts.Of(builder.Configuration, name)).UriScheme = "tcp")
            .WithArgs(context =>
            {
                context.Args.Add("--port");
                context.Args.Add(redis.Endpoint.Property(EndpointProperty.TargetPort));
                foreach (var arg in new[] { "--bind", "127.0.0.1", "--dir", data, "--save", "", "--appendonly", "no" })
                {
                    context.Args.Add(arg);
                }
            })
            .WithServerHealthCheck(redis.ConnectionStringExpression, PingAsync)
            .WithIconName("Memory")
            .WithRestartOnCrash()
            .AsConnectionString();
    }

    private static async Task PingAsync(string connectionString, CancellationToken ct)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync($"{connectionString},connectTimeout=3000,abortConnect=true");
        await connection.GetDatabase().PingAsync();
    }
}
