using System.Reflection;
using Dapper;
using DbUp;
using DbUp.Engine;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ConductorMesh.ServiceDefaults.Data;

/// <summary>
/// Brings the service's database to its schema before the service takes calls: versioned
/// migrations (DbUp), each run once and recorded in <c>schema_versions</c>, in the order of their
/// names: <c>0001_outbox_and_inbox.sql</c> (shared) then the service's own
/// (<c>Data/Migrations/0002_schema.sql</c>, the schema as it stood when migrations began, written
/// to pass over a database an earlier version left). Each runs in its own transaction under a
/// lock_timeout, so a migration stuck behind a long query fails the start (and is retried by the
/// restart) instead of stalling every vote; replicas starting together take turns.
/// </summary>
public sealed class SchemaMigrator(MigrationTarget target, IHostEnvironment environment, ILogger<SchemaMigrator> logger)
    : IHostedService
{
    private const long LockKey = 0x436f6e647563746f; // "Conducto"

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var assemblies = new[] { typeof(SchemaMigrator).Assembly, Assembly.Load(environment.ApplicationName) };
        await using var turn = await OpenWithRetryAsync(cancellationToken);
        await turn.ExecuteAsync("SELECT pg_advisory_lock(@LockKey)", new { LockKey });
        try
        {
            var result = await Task.Run(() => Upgrade(target.ConnectionString, assemblies), cancellationToken);
            if (!result.Successful)
            {
                throw new InvalidOperationException($"Migration {result.ErrorScript?.Name} failed: {result.Error.Message}", result.Error);
            }
            logger.LogInformation("Database schema is up to date ({Count} migrations applied now)", result.Scripts.Count());
        }
        finally
        {
            await turn.ExecuteAsync("SELECT pg_advisory_unlock(@LockKey)", new { LockKey });
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Applies every migration of <paramref name="assemblies"/> not yet recorded in the database.</summary>
    public static DatabaseUpgradeResult Upgrade(string connectionString, IEnumerable<Assembly> assemblies) =>
        Upgrade(connectionString, assemblies.SelectMany(Migrations));

    /// <summary>Applies, in the order of their names, the <paramref name="migrations"/> not yet recorded in the database.</summary>
    public static DatabaseUpgradeResult Upgrade(string connectionString, IEnumerable<SqlScript> migrations) =>
        DeployChanges.To.PostgresqlDatabase(connectionString)
            .WithScripts(migrations.OrderBy(m => m.Name, StringComparer.Ordinal))
            .JournalToPostgresqlTable("public", "schema_versions")
            .WithTransactionPerScript()
            .WithPreprocessor(new LockTimeout())
            .LogToNowhere()
            .Build()
            .PerformUpgrade();

    private static IEnumerable<SqlScript> Migrations(Assembly assembly) =>
        assembly.GetManifestResourceNames().Where(n => n.StartsWith("migrations.", StringComparison.Ordinal)).Select(name =>
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
            return new SqlScript(name, reader.ReadToEnd());
        }).ToList();

    // The database may still be starting when the service does; wait for it rather than crash.
    private async Task<NpgsqlConnection> OpenWithRetryAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var connection = new NpgsqlConnection(target.ConnectionString);
                await connection.OpenAsync(cancellationToken);
                return connection;
            }
            catch (NpgsqlException e) when (attempt < 30)
            {
                logger.LogWarning("Database not reachable yet ({Message}); retrying", e.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
    }

    /// <summary>A migration waits at most five seconds for a lock, then fails rather than queue every query behind it.</summary>
    private sealed class LockTimeout : IScriptPreprocessor
    {
        public string Process(string contents) => $"SET LOCAL lock_timeout = '5s';\n{contents}";
    }
}

/// <summary>The database a service migrates: its connection string, as configured.</summary>
public sealed record MigrationTarget(string ConnectionString);
