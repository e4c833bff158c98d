using System.Runtime.InteropServices;
using ConductorMesh.AppHost;
using ConductorMesh.AppHost.Dashboard;
using ConductorMesh.AppHost.Demo;
using ConductorMesh.AppHost.Hosting;
using ConductorMesh.ServiceDefaults.Auth;

var settings = new AppHostSettings { StateDirectory = Path.Combine(AppHostSettings.RepoRoot, ".mesh") };
if (args is ["token", .. var tokenArgs])
{
    return TokenCommand.Run(tokenArgs, settings);
}
if (args.Contains("--fresh"))
{
    foreach (var folder in new[] { settings.StateDirectory, settings.ServerDataRoot }.Distinct().Where(Directory.Exists))
    {
        Console.WriteLine($"--fresh: removing {folder}");
        Directory.Delete(folder, recursive: true);
    }
}
if (settings.ServerDataRoot != Path.GetFullPath(settings.StateDirectory))
{
    Console.WriteLine($"The servers run as their own users and cannot reach {settings.StateDirectory}; their data is in {settings.ServerDataRoot}.");
}

await using var app = Mesh.Build(settings);
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
foreach (var resource in app.Resources)
{
    resource.StateChanged += r => Console.WriteLine($"{DateTime.Now:HH:mm:ss} {r.Name,-10} {r.State}");
}

try
{
    await app.StartAsync(stop.Token);
    Console.WriteLine();
    Console.WriteLine(app.Table());
    Console.WriteLine();
    await using var dashboard = await DashboardServer.StartAsync(app, stop.Token);
    Console.WriteLine($"Dashboard: {dashboard.LoginUrl}");
    Console.WriteLine(string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT"))
        ? $"Telemetry: not exported. {DashboardServer.TelemetryHowTo}"
        : $"Telemetry: every service exports OTLP to {Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT")}");
    Console.WriteLine();
    Console.WriteLine("Operator token (12 h; send as 'authorization: Bearer <token>'; more with ./mesh token --role ROLE):");
    Console.WriteLine(MeshTokens.Issue(settings.SigningKey, MeshClaims.Roles.Operator));
    Console.WriteLine();
    await DemoProgram.LoadOnceAsync(app, stop.Token);
    Console.WriteLine($"Logs: {Path.Combine(settings.StateDirectory, "logs")}/<resource>.log. Press Ctrl+C to stop everything.");
    await app.MonitorAsync(stop.Token);
}
catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
{
    Console.Error.WriteLine($"ConductorMesh could not start: {e.Message}");
    Environment.ExitCode = 1;
}
catch (OperationCanceledException)
{
    // Ctrl+C while starting.
}
Console.WriteLine("Stopping...");
await app.StopAsync();
Console.WriteLine("Stopped; no process is left running.");
return Environment.ExitCode;
