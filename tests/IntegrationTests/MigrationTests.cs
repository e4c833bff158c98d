using ConductorMesh.AppHost;
using ConductorMesh.ServiceDefaults.Data;
using DbUp.Engine;
using Npgsql;

namespace ConductorMesh.IntegrationTests;

/// <summary>Versioned migrations: a database the previous version left upgrades in place, and each change runs once.</summary>
[Collection(MeshCollection.Name)]
public sealed class MigrationTests(MeshFixture mesh)
{
    /// <summary>What the previous version ran at every start: the schema as it stood when migrations began.</summary>
    private static readonly SqlScript[] Previous =
    [
        Script("ServiceDefaults/Messaging/Migrations/0001_outbox_and_inbox.sql"),
        Script("services/Voting/Data/Migrations/0002_schema.sql"),
    ];

    /// <summary>Voting's migrations as they are in the repository now, named as the service embeds them.</summary>
    private static readonly SqlScript[] Migrations = new[] { "ServiceDefaults/Messaging/Migrations", "services/Voting/Data/Migrations" }
        .SelectMany(folder => Directory.GetFiles(Path.Combine(LocalState.RepoRoot, folder), "*.sql"))
        .Select(path => Script(Path.GetRelativePath(LocalState.RepoRoot, path)))
        .OrderBy(m => m.Name, StringComparer.Ordinal).ToArray();

    private static SqlScript Script(string path) =>
        new($"migrations.{Path.GetFileName(path)}", File.ReadAllText(Path.Combine(LocalState.RepoRoot, path)));

    [Fact]
    public async Task A_database_the_previous_version_left_is_upgraded_in_place_and_keeps_its_data()
    {
        var connectionString = await NewDatabaseAsync("previous");
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        // The previous version ran its idempotent scripts at every start, with no journal.
        foreach (var script in Previous)
        {
            await new NpgsqlCommand(script.Contents, connection).ExecuteNonQueryAsync();
        }
        var program = Guid.NewGuid();
        await new NpgsqlCommand(
            $"INSERT INTO ballot_programs (program_id, time_zone, daily_allowance, hide_standings) VALUES ('{program}', 'UTC', 7, false)",
            connection).ExecuteNonQueryAsync();

        var first = SchemaMigrator.Upgrade(connectionString, Migrations);
        var again = SchemaMigrator.Upgrade(connectionString, Migrations);

        Assert.True(first.Successful, first.Error?.Message);
        Assert.Equal(Migrations.Select(m => m.Name), first.Scripts.Select(s => s.Name));
        Assert.True(again.Successful, again.Error?.Message);
        Assert.Empty(again.Scripts);
        Assert.Equal(7, await new NpgsqlCommand($"SELECT daily_allowance FROM ballot_programs WHERE program_id = '{program}'", connection).ExecuteScalarAsync());
        Assert.Equal((long)Migrations.Length, await new NpgsqlCommand("SELECT count(*) FROM schema_versions", connection).ExecuteScalarAsync());
        Assert.True(Migrations.Length > Previous.Length, "the migrations since the previous version are tried too");
    }

    [Fact]
    public async Task The_migration_jobs_run_migrates_a_new_database_and_exits()
    {
        var database = await NewDatabaseAsync("job");
        // The job runs the service's own build with the service's settings, as a deployment's Job
        // runs its image with the Deployment's environment.
        var voting = mesh.System.ProcessId("voting") ?? throw new InvalidOperationException("voting is not running");
        var settings = File.ReadAllText($"/proc/{voting}/environ").Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(v => v.Split('=', 2)).ToDictionary(v => v[0], v => v[1]);
        // Voting's own address too: a job that started serving would find it taken, and fail.
        settings["ConnectionStrings__votingdb"] = database;

        var job = await Commands.RunAsync("dotnet", [Commands.ServiceDll("Voting"), "--Mesh:MigrateOnly=true"], settings);

        Assert.True(job.ExitCode == 0, $"exit {job.ExitCode}: {job.Output}{job.Errors}");
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        Assert.Equal((long)Migrations.Length, await new NpgsqlCommand("SELECT count(*) FROM schema_versions", connection).ExecuteScalarAsync());
        Assert.Contains("Database schema is up to date", job.Output);
    }

    /// <summary>A new, empty database on the run's server; answers its connection string.</summary>
    private async Task<string> NewDatabaseAsync(string prefix)
    {
        var database = $"{prefix}_{Guid.NewGuid():N}"[..20];
        var server = new NpgsqlConnectionStringBuilder(await mesh.ConnectionStringAsync("postgres"));
        await using (var admin = new NpgsqlConnection(server.ConnectionString))
        {
            await admin.OpenAsync();
            await new NpgsqlCommand($"CREATE DATABASE {database}", admin).ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = database, Pooling = false }.ConnectionString;
    }
}
