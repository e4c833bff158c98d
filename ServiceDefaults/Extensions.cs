using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ConductorMesh.ServiceDefaults.Telemetry;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The defaults of every service, following .NET Aspire's ServiceDefaults so that an Aspire
/// AppHost could run these services unchanged.
/// </summary>
public static class Extensions
{
    internal const string LiveTag = "live";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });
        return builder;
    }

    private static void ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddMeter("MassTransit")
                .AddMeter(MeshTelemetry.Name))
            .WithTracing(tracing => tracing
                .SetSampler(RateLimitedSampler.ForServices(builder.Configuration.GetValue("Telemetry:TracesPerSecond", 10.0)))
                .AddSource(builder.Environment.ApplicationName, MeshTelemetry.Name)
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsHealthPath(context.Request.Path))
                .AddGrpcClientInstrumentation()
                .AddHttpClientInstrumentation()
                .AddNpgsql()
                .AddSource("MassTransit"));

        // Exported only where a collector or the Aspire dashboard is named, as Aspire does.
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }
    }

    private static bool IsHealthPath(string? path) => path is "/health" or "/alive";

    /// <summary>Maps /health (every check) and /alive (liveness only).</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/health");
        app.MapHealthChecks("/alive", new HealthCheckOptions { Predicate = r => r.Tags.Contains(LiveTag) });
        return app;
    }
}
