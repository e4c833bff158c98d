using ConductorMesh.ServiceDefaults.Data;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

public static class DatabaseExtensions
{
    /// <summary>
    /// The service's PostgreSQL database from <c>ConnectionStrings:{connectionName}</c>, its schema
    /// (an embedded <c>schema.sql</c> of the service's assembly, plus the outbox and inbox tables)
    /// applied at start, and a health check.
    /// </summary>
    public static IHostApplicationBuilder AddMeshDatabase(this IHostApplicationBuilder builder, string connectionName)
    {
        var connectionString = builder.Configuration.GetConnectionString(connectionName)
            ?? throw new InvalidOperationException($"ConnectionStrings:{connectionName} is not set.");
        builder.Services.AddNpgsqlDataSource(connectionString);
        builder.Services.AddHostedService<SchemaInitializer>();
        builder.Services.AddHealthChecks().AddCheck<NpgsqlHealthCheck>(connectionName);
        Dapper.DefaultTypeMap.MatchNamesWithUnderscores = true;
        return builder;
    }
}
