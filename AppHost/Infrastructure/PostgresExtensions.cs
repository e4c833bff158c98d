using ConductorMesh.AppHost.Operations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ConductorMesh.AppHost.Infrastructure;

public static class PostgresExtensions
{
    /// <summary>
    /// PostgreSQL from the machine's binaries, its data in the state folder, or the existing server
    /// that <c>ConnectionStrings__{name}</c> names.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddMeshPostgres(
        this IDistributedApplicationBuilder builder, string name, LocalState state)
    {
        if (builder.Configuration.GetConnectionString(name) is not null)
        {
            return builder.AddConnectionString(name).AsConnectionString();
        }
        if (Containers.Enabled(builder))
        {
            return builder.AddPostgres(name, port: MeshPorts.Of(builder.Configuration, name)).WithDataVolume().AsConnectionString();
        }
        var data = state.DataOf(name);
        var cluster = Path.Combine(data, "data");
        var script = Path.Combine(AppContext.BaseDirectory, "Infrastructure", "postgres-fast-stop.sh");
        var server = new LocalPostgresResource(name, script, data);
        var (command, prefix) = ServerUser.RunAs("postgres", ServerUser.Binary("postgres"));
        List<string> settings = ["listen_addresses=127.0.0.1", $"unix_socket_directories={data}", "max_connections=300"];
        if (state.Ephemeral)
        {
            settings.AddRange(["fsync=off", "full_page_writes=off", "synchronous_commit=off"]);
        }
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(server, (_, ct) => InitializeClusterAsync(cluster, data, ct));
        return builder.AddResource(server)
            .WithEndpoint(LocalPostgresResource.EndpointName, e =>
            {
                e.Port = MeshPorts.Of(builder.Configuration, name);
                e.UriScheme = "tcp";
            })
            .WithArgs(context =>
            {
                context.Args.Add(cluster);
                context.Args.Add(command);
                prefix.ToList().ForEach(context.Args.Add);
                context.Args.Add("-D");
                context.Args.Add(cluster);
                context.Args.Add("-p");
                context.Args.Add(server.Endpoint.Property(EndpointProperty.TargetPort));
                foreach (var setting in settings)
                {
                    context.Args.Add("-c");
                    context.Args.Add(setting);
                }
            })
            .WithServerHealthCheck(server.ConnectionStringExpression, CanConnectAsync)
            .WithIconName("Database")
            .WithRestartOnCrash()
            .AsConnectionString();
    }

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
            .WithServerHealthCheck(database.ConnectionStringExpression, CanConnectAsync)
            .WithIconName("DatabaseStack")
            .AsConnectionString();
    }

    private static async Task InitializeClusterAsync(string cluster, string data, CancellationToken ct)
    {
        if (File.Exists(Path.Combine(cluster, "PG_VERSION")))
        {
            return;
        }
        Directory.CreateDirectory(cluster);
        await ServerUser.GiveAsync("postgres", data, ct);
        var (command, args) = ServerUser.RunAs("postgres", ServerUser.Binary("initdb"),
            "-D", cluster, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-instructions");
        using var initdb = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(command, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = data,
        })!;
        var errors = initdb.StandardError.ReadToEndAsync(ct);
        await initdb.StandardOutput.ReadToEndAsync(ct);
        await initdb.WaitForExitAsync(ct);
        if (initdb.ExitCode != 0)
        {
            throw new InvalidOperationException($"initdb failed: {await errors}");
        }
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

    private static async Task CanConnectAsync(string connectionString, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false;Timeout=3");
        await connection.OpenAsync(ct);
    }
}
