using System.Diagnostics;

namespace ConductorMesh.AppHost.Infrastructure;

/// <summary>
/// PostgreSQL refuses to run as root and RabbitMQ switches to its own user, so when the AppHost
/// runs as root each server runs as its system user (runuser) over folders that user owns.
/// </summary>
internal static class ServerUser
{
    public static bool IsRoot => Environment.IsPrivilegedProcess;

    /// <summary>The command line that runs <paramref name="command"/> as <paramref name="user"/> when we are root.</summary>
    public static (string Command, string[] Args) RunAs(string user, string command, params string[] args) =>
        IsRoot ? ("runuser", ["-u", user, "--", command, .. args]) : (command, args);

    /// <summary>Hands a folder to the system user a server runs as, when started by root.</summary>
    public static async Task GiveAsync(string user, string path, CancellationToken ct)
    {
        if (IsRoot)
        {
            using var chown = Process.Start("chown", ["-R", $"{user}:{user}", path]);
            await chown.WaitForExitAsync(ct);
        }
    }

    /// <summary>A server's binary: on PATH, or where Debian keeps PostgreSQL's (off PATH).</summary>
    public static string Binary(string name)
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries);
        var postgres = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(v => v, StringComparer.Ordinal).Select(v => Path.Combine(v, "bin"))
            : [];
        return path.Concat(postgres).Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException($"{name} is not installed; ./mesh up installs it with apt-get when run as root.");
    }
}
