using ConductorMesh.AppHost.Operations;
using ConductorMesh.ServiceDefaults.Auth;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ConductorMesh.AppHost.Demo;

/// <summary>
/// Waits for the four services to be healthy, loads the demo program on the first start of a
/// state folder, and prints what an operator needs: the dashboard's login, a token and the demo.
/// </summary>
public sealed class DemoLoader(
    DemoLoader.Target target,
    ResourceNotificationService notifications,
    ResourceLoggerService logs,
    IConfiguration configuration,
    IHostApplicationLifetime lifetime)
{
    public sealed record Target(DemoResource Resource, DemoServices Services, LocalState State);

    private string Marker => Path.Combine(target.State.Directory, "demo-program.txt");

    public void Start() => _ = LoadOnceAsync(lifetime.ApplicationStopping);

    private async Task LoadOnceAsync(CancellationToken stoppingToken)
    {
        try
        {
            foreach (var service in target.Services.All)
            {
                await notifications.WaitForResourceHealthyAsync(service.Resource.Name, stoppingToken);
            }
            string? summary;
            if (File.Exists(Marker))
            {
                summary = await File.ReadAllTextAsync(Marker, stoppingToken);
                await PublishAsync(KnownResourceStates.Running, summary);
            }
            else
            {
                summary = await LoadDemoAsync(stoppingToken);
            }
            if (summary is not null)
            {
                PrintReady(summary);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The AppHost stopped first.
        }
    }

    /// <summary>The "Load demo program" command: a new copy of the demo program.</summary>
    public async Task<ExecuteCommandResult> LoadAsync(CancellationToken ct)
    {
        try
        {
            return await LoadDemoAsync(ct) is null ? CommandResults.Failure("The demo program could not be loaded; see the demo's log.")
                : CommandResults.Success();
        }
        catch (OperationCanceledException)
        {
            return CommandResults.Canceled();
        }
    }

    /// <summary>Loads a new copy of the demo program and answers what it made; null when it could not (logged).</summary>
    private async Task<string?> LoadDemoAsync(CancellationToken ct)
    {
        await PublishAsync(KnownResourceStates.Starting, null);
        try
        {
            var summary = await DemoProgram.LoadAsync(target.Services, target.State, ct);
            await File.WriteAllTextAsync(Marker, summary, ct);
            logs.GetLogger(target.Resource).LogInformation("{Summary}", summary);
            await PublishAsync(KnownResourceStates.Running, summary);
            return summary;
        }
        catch (Exception e) when (e is Grpc.Core.RpcException or IOException)
        {
            logs.GetLogger(target.Resource).LogError(e, "The demo program could not be loaded");
            await PublishAsync(KnownResourceStates.FailedToStart, null);
            return null;
        }
    }

    private Task PublishAsync(string state, string? summary) =>
        notifications.PublishUpdateAsync(target.Resource, s => s with
        {
            State = state,
            StartTimeStamp = state == KnownResourceStates.Running ? DateTime.UtcNow : s.StartTimeStamp,
            Properties = summary is null ? s.Properties : s.Properties.With("summary", summary.Trim()),
        });

    private void PrintReady(string summary)
    {
        var dashboard = (configuration["ASPNETCORE_URLS"] ?? "http://localhost:18888").Split(';')[0];
        Console.WriteLine($"""

            ConductorMesh is up.
            Dashboard: {dashboard}/login?t={configuration["AppHost:BrowserToken"]}
            Operator token (12 h; send as 'authorization: Bearer <token>'; more with ./mesh token --role ROLE):
            {MeshTokens.Issue(target.State.Issuer, MeshClaims.Roles.Operator)}

            {summary.Trim()}
            Press Ctrl+C to stop everything.

            """);
    }
}
