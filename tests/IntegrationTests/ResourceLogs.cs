using System.Collections.Concurrent;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace ConductorMesh.IntegrationTests;

/// <summary>
/// Every line the resources write to their consoles during the run, the lines the dashboard's
/// console logs show. Watched from the fixture's start: Aspire keeps a resource's console log only
/// while someone watches it.
/// </summary>
public sealed class ResourceLogs : IAsyncDisposable
{
    private readonly ConcurrentQueue<(string Resource, string Line)> lines = new();
    private readonly CancellationTokenSource stop = new();
    private readonly Task[] watchers;

    public ResourceLogs(DistributedApplication app)
    {
        var logs = app.Services.GetRequiredService<ResourceLoggerService>();
        // By the model's resource, not its name: a process's log is kept under its instance's own name (voting-x1y2z3).
        watchers = app.Services.GetRequiredService<DistributedApplicationModel>().Resources.Select(resource => Task.Run(async () =>
        {
            try
            {
                await foreach (var batch in logs.WatchAsync(resource).WithCancellation(stop.Token))
                {
                    foreach (var line in batch)
                    {
                        lines.Enqueue((resource.Name, line.Content));
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // the run is over
            }
        })).ToArray();
    }

    /// <summary>The lines so far, with the resource that wrote each.</summary>
    public IReadOnlyCollection<(string Resource, string Line)> Lines => lines;

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await Task.WhenAll(watchers);
        stop.Dispose();
    }
}
