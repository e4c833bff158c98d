using System.Diagnostics;
using ConductorMesh.ServiceDefaults.Data;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

public static class DatabaseExtensions
{
    /// <summary>
    /// The service's PostgreSQL database from <c>ConnectionStrings:{connectionName}</c>, its
    /// migrations (the outbox and inbox, then the service's <c>Data/Migrations</c>) applied at
    /// start, and a health check.
    /// </summary>
    public static IHostApplicationBuilder AddMeshDatabase(this IHostApplicationBuilder builder, string connectionName)
    {
        var connectionString = builder.Configuration.GetConnectionString(connectionName)
            ?? throw new InvalidOperationException($"ConnectionStrings:{connectionName} is not set.");
        // Each replica names itself to PostgreSQL (pg_stat_activity, pg_locks: which one holds the
        // tally's lock, which one runs a long query), as Aspire names it (voting, voting-2, ...).
        var named = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        named.ApplicationName ??= builder.Configuration["OTEL_SERVICE_NAME"] ?? builder.Environment.ApplicationName;
        // The same few statements run for every vote and every event: prepared once per
        // connection, PostgreSQL skips parsing and planning them (a connection string may set another number).
        if (named.MaxAutoPrepare == 0)
        {
            named.MaxAutoPrepare = 100;
        }
        connectionString = named.ConnectionString;
        // Only commands made for a caller or a consumer become spans: a background poll that finds
        // nothing (the outbox relay, the schedulers) would bury the traces operators look for.
        builder.Services.AddNpgsqlDataSource(connectionString, data =>
            data.ConfigureTracing(tracing => tracing.ConfigureCommandFilter(_ => Activity.Current is not null)));
        builder.Services.AddSingleton(new MigrationTarget(connectionString));
        builder.Services.AddHostedService<SchemaMigrator>();
        builder.Services.AddHealthChecks().AddCheck<NpgsqlHealthCheck>(connectionName);
        Dapper.DefaultTypeMap.MatchNamesWithUnderscores = true;
        return builder;
    }
}
