using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ConductorMesh.AppHost.Infrastructure;

public static class DatabaseExtensions
{
    /// <summary>
    /// A database of the server, created when the server is first healthy. Aspire gives a child
    /// of an executable no state of its own, so it is published here; the database is healthy
    /// once it exists and accepts connections.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddMeshDatabase(
        this IResourceBuilder<IResourceWithConnectionString> server, string name, string databaseName)
    {
        var builder = server.ApplicationBuilder;
        if (server.Resource is PostgresServerResource container)
        {
            return builder.CreateResourceBuilder(container).AddDatabase(name, databaseName).AsConnectionString();
        }
        var database = new MeshDatabaseResource(name, databaseName, server.Resource);
        builder.Eventing.Subscribe<ResourceReadyEvent>(server.Resource, async (e, ct) =>
        {
            await CreateDatabaseAsync(server.Resource, databaseName, ct);
            await e.Services.GetRequiredService<ResourceNotificationService>().PublishUpdateAsync(database, s => s with
            {
                State = KnownResourceStates.Running,
                StartTimeStamp = DateTime.UtcNow,
            });
        });
        return builder.AddResource(database)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "PostgresDatabase",
                State = KnownResourceStates.Waiting,
                Properties = [new("database", databaseName)],
            })
            .WithParentRelationship(server.Resource)
            .WithServerHealthCheck(database.ConnectionStringExpression, PostgresProbe.CanConnectAsync)
            .WithIconName("DatabaseStack")
            .AsConnectionString();
    }

    private static async Task CreateDatabaseAsync(IResourceWithConnectionString server, string database, CancellationToken ct)
    {
        var connectionString = await server.ConnectionStringExpression.GetValueAsync(ct);
        await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false");
        await connection.OpenAsync(ct);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection)
        {
            Parameters = { new() { Value = database } },
        };
        if (await exists.ExecuteScalarAsync(ct) is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection);
            await create.ExecuteNonQueryAsync(ct);
        }
    }
}
