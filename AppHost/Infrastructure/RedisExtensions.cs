using ConductorMesh.AppHost.Operations;
using Microsoft.Extensions.Configuration;
using StackExchange.Redis;

namespace ConductorMesh.AppHost.Infrastructure;

public static class RedisExtensions
{
    /// <summary>Redis from the machine's binary (no persistence: it is a cache), or the server <c>ConnectionStrings__{name}</c> names.</summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddMeshRedis(
        this IDistributedApplicationBuilder builder, string name, LocalState state)
    {
        if (builder.Configuration.GetConnectionString(name) is not null)
        {
            return builder.AddConnectionString(name).AsConnectionString();
        }
        if (Containers.Enabled(builder))
        {
            return builder.AddRedis(name, port: MeshPorts.Of(builder.Configuration, name)).AsConnectionString();
        }
        var data = state.DataOf(name);
        var redis = new LocalRedisResource(name, ServerUser.Binary("redis-server"), data);
        return builder.AddResource(redis)
            .WithEndpoint(LocalRedisResource.EndpointName, e =>
            {
                e.Port = MeshPorts.Of(builder.Configuration, name);
                e.UriScheme = "tcp";
            })
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
