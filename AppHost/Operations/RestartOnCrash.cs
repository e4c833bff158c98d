using Microsoft.Extensions.DependencyInjection;

namespace ConductorMesh.AppHost.Operations;

/// <summary>Marks a resource that is started again, with back-off, when its process dies on its own.</summary>
public sealed class RestartOnCrashAnnotation : IResourceAnnotation;

public static class RestartOnCrashExtensions
{
    /// <summary>
    /// Aspire has no restart policy for executables yet (microsoft/aspire#1708): this one is
    /// built on its resource notifications and its own start command (see <see cref="CrashRestarter"/>).
    /// </summary>
    public static IResourceBuilder<T> WithRestartOnCrash<T>(this IResourceBuilder<T> builder) where T : IResource =>
        builder.WithAnnotation(new RestartOnCrashAnnotation());

    /// <summary>
    /// Watches from before the first resource starts: a hosted service would begin only once
    /// Aspire's own start-up has finished, and miss crashes during it.
    /// </summary>
    public static IDistributedApplicationBuilder AddRestartsOnCrash(this IDistributedApplicationBuilder builder)
    {
        builder.Services.AddSingleton<CrashRestarter>();
        builder.Eventing.Subscribe<BeforeStartEvent>((e, _) =>
        {
            e.Services.GetRequiredService<CrashRestarter>().Start();
            return Task.CompletedTask;
        });
        return builder;
    }
}
