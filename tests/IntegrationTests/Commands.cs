using System.Diagnostics;
using ConductorMesh.AppHost;

namespace ConductorMesh.IntegrationTests;

/// <summary>How a command ended: its exit code, and what it wrote.</summary>
public sealed record Ended(int ExitCode, string Output, string Errors);

/// <summary>Runs the repository's commands as ./mesh runs them (from the builds), and the machine's.</summary>
public static class Commands
{
    /// <summary>The build ./mesh runs for token, verify, kubernetes-secrets and the AppHost itself.</summary>
    public static string AppHostDll => Path.Combine(LocalState.RepoRoot, "AppHost", "bin", LocalState.Configuration, "net10.0", "ConductorMesh.AppHost.dll");

    /// <summary>A service's build, as its container image holds it.</summary>
    public static string ServiceDll(string service) =>
        Path.Combine(LocalState.RepoRoot, "services", service, "bin", LocalState.Configuration, "net10.0", $"ConductorMesh.{service}.dll");

    /// <summary>What <c>./mesh</c> does with <paramref name="args"/>, from the AppHost's folder (where its settings are).</summary>
    public static Task<Ended> MeshAsync(string[] args, IReadOnlyDictionary<string, string>? environment = null) =>
        RunAsync("dotnet", [AppHostDll, .. args], environment, Path.GetDirectoryName(AppHostDll));

    /// <summary>Runs a command to its end, within two minutes.</summary>
    public static async Task<Ended> RunAsync(string command, string[] args, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(command, args) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory ?? "" };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{command} could not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return new Ended(process.ExitCode, await output, await errors);
    }
}
