using ConductorMesh.ServiceDefaults.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

public static class MigrateOnlyExtensions
{
    /// <summary>
    /// Runs the service; or, with <c>Mesh:MigrateOnly=true</c> (<c>--Mesh:MigrateOnly=true</c>, a
    /// deployment's migration job), brings its database to the schema and exits, so a rollout's new
    /// replicas start on a database already migrated. A failed migration exits non-zero.
    /// </summary>
    public static void RunOrMigrate(this WebApplication app)
    {
        if (!app.Configuration.GetValue<bool>("Mesh:MigrateOnly"))
        {
            app.Run();
            return;
        }
        var migrator = app.Services.GetServices<IHostedService>().OfType<SchemaMigrator>().Single();
        migrator.StartAsync(app.Lifetime.ApplicationStopping).GetAwaiter().GetResult();
    }
}
