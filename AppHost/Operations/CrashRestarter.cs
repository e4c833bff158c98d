using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ConductorMesh.AppHost.Operations;

/// <summary>
/// Watches Aspire's resource notifications: a resource marked <see cref="RestartOnCrashAnnotation"/>
/// whose process ends without anyone asking (a crash, a kill -9) is started again with Aspire's
/// start command, after 1 s, then twice as long after each quick crash, up to 30 s. Stops asked for
/// from the dashboard, the CLI or the AppHost's shutdown are left alone. Each restart is written to
/// the resource's console log and counted in its "restarts" property.
/// </summary>
internal sealed class CrashRestarter(
    ResourceNotificationService notifications,
    ResourceCommandService commands,
    ResourceLoggerService logs,
    IHostApplicationLifetime lifetime,
    ILogger<CrashRestarter> logger)
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private static readonly string[] StopCommands = ["stop", "restart"];

    private readonly ConcurrentDictionary<string, Tracked> tracked = new();
    private readonly HashSet<ResourceCommandAnnotation> wrapped = [];

    private sealed class Tracked
    {
        public string? LastState;
        public DateTime RunningSince = DateTime.UtcNow;
        public TimeSpan Backoff = FirstBackoff;
        public int Restarts;
        public volatile bool StopRequested;
    }

    public void Start() => _ = Task.Run(async () =>
    {
        try
        {
            await WatchAsync(lifetime.ApplicationStopping);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Crashed resources are no longer restarted");
        }
    });

    private async Task WatchAsync(CancellationToken stoppingToken)
    {
        await foreach (var e in notifications.WatchAsync(stoppingToken))
        {
            if (!e.Resource.TryGetLastAnnotation<RestartOnCrashAnnotation>(out _))
            {
                continue;
            }
            var resource = tracked.GetOrAdd(e.ResourceId, _ => new Tracked());
            NoteRequestedStops(e.Resource);
            var state = e.Snapshot.State?.Text;
            var previous = resource.LastState;
            resource.LastState = state;
            if (state == previous)
            {
                continue;
            }
            if (state == KnownResourceStates.Running)
            {
                resource.StopRequested = false;
                resource.RunningSince = DateTime.UtcNow;
            }
            else if (KnownResourceStates.TerminalStates.Contains(state) && previous is not null
                && !resource.StopRequested && !lifetime.ApplicationStopping.IsCancellationRequested)
            {
                _ = RestartAsync(e, resource, stoppingToken);
            }
        }
    }

    private async Task RestartAsync(ResourceEvent e, Tracked resource, CancellationToken ct)
    {
        var ranFor = DateTime.UtcNow - resource.RunningSince;
        resource.Backoff = ranFor > MaxBackoff ? FirstBackoff : resource.Backoff;
        var wait = resource.Backoff;
        resource.Backoff = TimeSpan.FromTicks(Math.Min(resource.Backoff.Ticks * 2, MaxBackoff.Ticks));
        var log = logs.GetLogger(e.ResourceId);
        log.LogWarning("{Resource} ended on its own ({State}, exit code {ExitCode}); starting it again in {Seconds:0.#} s.",
            e.ResourceId, e.Snapshot.State?.Text, e.Snapshot.ExitCode?.ToString() ?? "none", wait.TotalSeconds);
        try
        {
            await Task.Delay(wait, ct);
            if (resource.StopRequested || lifetime.ApplicationStopping.IsCancellationRequested)
            {
                return;
            }
            var restarts = Interlocked.Increment(ref resource.Restarts);
            await notifications.PublishUpdateAsync(e.Resource, e.ResourceId, s => s with
            {
                Properties = s.Properties.With("restarts", restarts),
            });
            var result = await commands.ExecuteCommandAsync(e.ResourceId, "start", ct);
            if (!result.Success)
            {
                log.LogError("Starting {Resource} again failed: {Problem}", e.ResourceId, result.Message);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The AppHost is stopping.
        }
    }

    /// <summary>
    /// Wraps Aspire's own stop and restart commands of a watched resource, once, so that a stop
    /// someone asks for is told apart from a crash.
    /// </summary>
    private void NoteRequestedStops(IResource resource)
    {
        lock (resource.Annotations)
        {
            foreach (var command in resource.Annotations.OfType<ResourceCommandAnnotation>()
                .Where(c => StopCommands.Contains(c.Name) && !wrapped.Contains(c)).ToList())
            {
                var inner = command.ExecuteCommand;
                resource.Annotations.Remove(command);
                var wrapper = new ResourceCommandAnnotation(
                    command.Name, command.DisplayName, command.UpdateState,
                    context =>
                    {
                        tracked.GetOrAdd(context.ResourceName, _ => new Tracked()).StopRequested = true;
                        return inner(context);
                    },
                    command.DisplayDescription, command.Arguments, command.ConfirmationMessage, command.IconName,
                    command.IconVariant, command.IsHighlighted, command.Visibility, command.ValidateArguments);
                wrapped.Add(wrapper);
                resource.Annotations.Add(wrapper);
            }
        }
    }
}
