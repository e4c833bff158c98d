using ConductorMesh.AppHost.Resources;

namespace ConductorMesh.AppHost.Hosting;

/// <summary>
/// Runs the declared resources: each starts once what it waits for is healthy; services stop
/// before the infrastructure they use; nothing is left running after <see cref="StopAsync"/>.
/// </summary>
public sealed class DistributedApplication(IReadOnlyList<Resource> resources, AppHostSettings settings) : IAsyncDisposable
{
    public IReadOnlyList<Resource> Resources => resources;

    public AppHostSettings Settings => settings;

    public T Resource<T>(string name) where T : Resource => (T)resources.Single(r => r.Name == name);

    public async Task StartAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(settings.StateDirectory);
        try
        {
            await Task.WhenAll(resources.Select(r => r.StartAsync(ct)));
        }
        catch
        {
            await StopAsync();
            throw;
        }
    }

    public async Task StopAsync()
    {
        await Task.WhenAll(resources.OfType<ProjectResource>().Select(r => r.StopAsync()));
        await Task.WhenAll(resources.Where(r => r is not ProjectResource).Select(r => r.StopAsync()));
    }

    /// <summary>Re-reads every resource's health every few seconds until cancelled.</summary>
    public async Task MonitorAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(3));
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                await Task.WhenAll(resources.Select(r => r.RefreshHealthAsync(ct)));
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Asked to stop.
        }
    }

    public string Table()
    {
        var rows = resources.Select(r => (r.Name, r.Kind, State: r.State.ToString(), r.Endpoint, Pid: r.ProcessId?.ToString() ?? "-", Restarts: r.Restarts.ToString())).ToList();
        var header = ("RESOURCE", "KIND", "STATE", "ENDPOINT", "PID", "RESTARTS");
        int W(Func<(string, string, string, string, string, string), string> f) => Math.Max(f(header).Length, rows.Max(r => f(r).Length));
        var w = new[] { W(r => r.Item1), W(r => r.Item2), W(r => r.Item3), W(r => r.Item4), W(r => r.Item5) };
        string Line((string, string, string, string, string, string) r) =>
            $"{r.Item1.PadRight(w[0])}  {r.Item2.PadRight(w[1])}  {r.Item3.PadRight(w[2])}  {r.Item4.PadRight(w[3])}  {r.Item5.PadRight(w[4])}  {r.Item6}";
        return string.Join(Environment.NewLine, new[] { Line(header) }.Concat(rows.Select(Line)));
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
