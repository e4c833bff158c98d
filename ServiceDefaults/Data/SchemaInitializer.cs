using System.Reflection;
using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ConductorMesh.ServiceDefaults.Data;

/// <summary>
/// Applies the schema before the service takes calls. The scripts are idempotent and run under
/// an advisory lock, so replicas starting together apply them once.
/// </summary>
public sealed class SchemaInitializer(NpgsqlDataSource dataSource, IHostEnvironment environment, ILogger<SchemaInitializer> logger)
    : IHostedService
{
    private const long LockKey = 0x436f6e647563746f; // "Conducto"

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var scripts = new[]
        {
            Read(typeof(SchemaInitializer).Assembly, "messaging.sql"),
            Read(Assembly.Load(environment.ApplicationName), "schema.sql"),
        };
        await using var connection = await OpenWithRetryAsync(cancellationToken);
        await connection.ExecuteAsync("SELECT pg_advisory_lock(@LockKey)", new { LockKey });
        try
        {
            foreach (var script in scripts)
            {
                await connection.ExecuteAsync(script);
            }
        }
        finally
        {
            await connection.ExecuteAsync("SELECT pg_advisory_unlock(@LockKey)", new { LockKey });
        }
        logger.LogInformation("Database schema is up to date");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // The database may still be starting when the service does; wait for it rather than crash.
    private async Task<NpgsqlConnection> OpenWithRetryAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await dataSource.OpenConnectionAsync(cancellationToken);
            }
            catch (NpgsqlException e) when (attempt < 30)
            {
                logger.LogWarning("Database not reachable yet ({Message}); retrying", e.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
    }

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"{assembly.GetName().Name} embeds no resource '{name}'.");
        return new StreamReader(stream).ReadToEnd();
    }
}
