using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ConductorMesh.AppHost.Infrastructure;

public static class ServerHealthChecks
{
    /// <summary>
    /// Healthy while <paramref name="probe"/> succeeds against <paramref name="address"/> (a connection string):
    /// what Aspire's WaitFor waits on, and what the dashboard shows.
    /// </summary>
    public static IResourceBuilder<T> WithServerHealthCheck<T>(
        this IResourceBuilder<T> builder, ReferenceExpression address, Func<string, CancellationToken, Task> probe)
        where T : IResource
    {
        var key = $"{builder.Resource.Name}_ready";
        builder.ApplicationBuilder.Services.AddHealthChecks().AddAsyncCheck(key, async ct =>
        {
            try
            {
                await probe(await address.GetValueAsync(ct) ?? "", ct);
                return HealthCheckResult.Healthy();
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                return HealthCheckResult.Unhealthy(e.Message);
            }
        });
        return builder.WithHealthCheck(key);
    }

    /// <summary>The builder of a resource seen as "something with a connection string", as the services take it.</summary>
    public static IResourceBuilder<IResourceWithConnectionString> AsConnectionString<T>(this IResourceBuilder<T> builder)
        where T : IResourceWithConnectionString =>
        builder.ApplicationBuilder.CreateResourceBuilder<IResourceWithConnectionString>(builder.Resource);
}
