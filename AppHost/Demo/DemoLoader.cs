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
            var summary = File.Exists(Marker) ? await File.ReadAllTextAsync(Marker, stoppingToken) : null;
            if (summary is null)
            {
                await LoadAsync(stoppingToken);
            }
            else
            {
                await PublishAsync(KnownResourceStates.Running, summary);
            }
            PrintReady(summary ?? await File.ReadAllTextAsync(Marker, stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The AppHost stopped first.
        }
    }

    /// <summary>Loads a new copy of the demo program; the command's work and the first start's.</summary>
    public async Task<ExecuteCommandResult> LoadAsync(CancellationToken ct)
    {
        await PublishAsync(KnownResourceStates.Starting, null);
        try
        {
            var summary = await DemoProgram.LoadAsync(target.Services, target.State, ct);
            await File.WriteAllTextAsync(Marker, summary, ct);
            logs.GetLogger(target.Resource).LogInformation("{Summary}", summary);
            await PublishAsync(KnownResourceStates.Running, summary);
            return CommandResults.Success();
        }
        catch (Exception e) when (e is Grpc.Core.RpcException or IOException)
        {
            logs.GetLogger(target.Resource).LogError(e, "The demo program could not be loaded");
            await PublishAsync(KnownResourceStates.FailedToStart, null);
            return CommandResults.Failure($"The demo program could not be loaded: {e.Message}");
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
            {MeshTokens.Issue(target.State.SigningKey, MeshClaims.Roles.Operator)}

            {summary.Trim()}
            Press Ctrl+C to stop everything.

            """);
    }
}
