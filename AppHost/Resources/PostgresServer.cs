using System.Diagnostics;
using ConductorMesh.AppHost.Hosting;
using Npgsql;

namespace ConductorMesh.AppHost.Resources;

/// <summary>One PostgreSQL server with a database per service.</summary>
public sealed class PostgresServer(string name, AppHostSettings settings) : ServerResource(name, "PostgreSQL", settings)
{
    private readonly List<string> databases = [];

    public override string Endpoint => IsExternal ? "(existing server)" : $"tcp://127.0.0.1:{Port}";

    protected override string LocalConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres";

    public PostgresDatabase AddDatabase(string connectionName, string databaseName)
    {
        databases.Add(databaseName);
        return new PostgresDatabase(connectionName, databaseName, this);
    }

    protected override async Task PrepareLocalAsync(CancellationToken ct)
    {
        var data = Path.Combine(DataDirectory, "data");
        if (File.Exists(Path.Combine(data, "PG_VERSION")))
        {
            return;
        }
        Directory.CreateDirectory(data);
        await GiveToAsync("postgres", DataDirectory);
        var initdb = ManagedProcess.Start(
            new ProcessSpec("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-instructions"], DataDirectory) { RunAs = "postgres" },
            LogPath);
        await initdb.Exited;
        if (initdb.ExitCode != 0)
        {
            throw new InvalidOperationException($"initdb failed; see {LogPath}");
        }
        await initdb.DisposeAsync();
    }

    protected override ProcessSpec CreateLocalSpec()
    {
        List<string> arguments =
        [
            "-D", Path.Combine(DataDirectory, "data"), "-p", Port.ToString(),
            "-c", "listen_addresses=127.0.0.1", "-c", $"unix_socket_directories={DataDirectory}", "-c", "max_connections=300",
        ];
        if (Settings.Ephemeral)
        {
            arguments.AddRange(["-c", "fsync=off", "-c", "full_page_writes=off"]);
        }
        // SIGINT is PostgreSQL's fast shutdown: it does not wait for clients to disconnect.
        return new ProcessSpec("postgres", arguments, DataDirectory) { RunAs = "postgres", StopSignal = Native.SigInt };
    }

    public override async Task<bool> IsHealthyAsync(CancellationToken ct)
    {
        try
        {
            await using var connection = new NpgsqlConnection(ConnectionString + ";Timeout=3;Pooling=false");
            await connection.OpenAsync(ct);
            return true;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            return false;
        }
    }

    protected override async Task AfterHealthyAsync(CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(ConnectionString + ";Pooling=false");
        await connection.OpenAsync(ct);
        foreach (var database in databases)
        {
            await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection) { Parameters = { new() { Value = database } } };
            if (await exists.ExecuteScalarAsync(ct) is null)
            {
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection);
                await create.ExecuteNonQueryAsync(ct);
            }
        }
    }

    /// <summary>
    /// A service's connection string. Each service's pool is bounded so that all of them together
    /// stay under the server's max_connections: under a burst, callers wait for a pooled
    /// connection instead of being refused by the server.
    /// </summary>
    public string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(ConnectionString) { Database = database, MaxPoolSize = 50 }.ConnectionString;
}

/// <summary>A service's database on the PostgreSQL server.</summary>
public sealed class PostgresDatabase(string connectionName, string databaseName, PostgresServer server) : IConnectionStringResource
{
    public string ConnectionName => connectionName;
    public string ConnectionString => server.ConnectionStringFor(databaseName);
    public Resource Server => server;
}
