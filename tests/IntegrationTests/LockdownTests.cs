using System.Globalization;
using Npgsql;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace ConductorMesh.IntegrationTests;

/// <summary>
/// The local system is closed to other users of the machine: the servers ask for generated
/// credentials, everything listens on loopback only, the keys and passwords are private files, and
/// no log shows them (the dashboard's view of them: AspireDashboardTests; a published manifest: ManifestTests).
/// </summary>
[Collection(MeshCollection.Name)]
public sealed class LockdownTests(MeshFixture mesh)
{
    [Fact]
    public async Task PostgreSQL_asks_for_the_generated_password()
    {
        var granted = new NpgsqlConnectionStringBuilder(await mesh.ConnectionStringAsync("postgres")) { Pooling = false };
        Assert.False(string.IsNullOrEmpty(granted.Password));
        await using (var allowed = new NpgsqlConnection(granted.ConnectionString))
        {
            await allowed.OpenAsync();
        }

        foreach (var password in new string?[] { null, "postgres" })
        {
            var guess = new NpgsqlConnectionStringBuilder(granted.ConnectionString) { Password = password };
            await using var connection = new NpgsqlConnection(guess.ConnectionString);
            var refused = await Assert.ThrowsAnyAsync<Exception>(() => connection.OpenAsync());
            Assert.True(refused is PostgresException { SqlState: "28P01" } || refused.Message.Contains("password", StringComparison.OrdinalIgnoreCase), refused.ToString());
        }
    }

    [Fact]
    public async Task RabbitMQ_has_no_guest_and_asks_for_the_generated_password()
    {
        var granted = new Uri(await mesh.ConnectionStringAsync("messaging"));
        Assert.StartsWith("conductormesh:", granted.UserInfo);
        await using (await new ConnectionFactory { Uri = granted }.CreateConnectionAsync())
        {
        }

        var guest = new UriBuilder(granted) { UserName = "guest", Password = "guest" }.Uri;
        await Assert.ThrowsAnyAsync<BrokerUnreachableException>(() => new ConnectionFactory { Uri = guest }.CreateConnectionAsync());
    }

    [Fact]
    public void Every_server_and_service_listens_on_loopback_only()
    {
        var processes = mesh.System.Resources.Select(mesh.System.ProcessId).OfType<int>().SelectMany(Descendants).ToHashSet();
        var sockets = processes.SelectMany(SocketInodes).ToHashSet();
        var listening = new[] { "/proc/net/tcp", "/proc/net/tcp6" }.SelectMany(File.ReadLines).Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length > 9 && f[3] == "0A" && sockets.Contains(f[9])) // 0A: LISTEN
            .Select(f => f[1]).ToList();

        Assert.True(listening.Count >= 10, $"only {listening.Count} listening sockets found for {processes.Count} processes");
        Assert.All(listening, address => Assert.True(IsLoopback(address), $"{address} is not loopback"));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Keys_and_passwords_are_readable_by_their_owner_only()
    {
        var files = mesh.SecretFiles();
        Assert.Contains(files, f => f.EndsWith("conductormesh-local.key", StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith("postgres-password", StringComparison.Ordinal));
        Assert.All(files, f => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(f)));
    }

    [Fact]
    public async Task No_key_or_password_appears_in_any_resources_log()
    {
        // The logs of the fixture's start and of whatever tests ran before: servers' and services'
        // start-up, connection failures and retries are where a connection string would slip out.
        // The consoles' lines reach the watcher a moment after they are written.
        var secrets = mesh.SecretValues();
        var lines = await Eventually.Get(() => Task.FromResult(mesh.Logs.Lines.ToList()),
            l => l.Select(x => x.Resource).Distinct().Count() >= mesh.System.Resources.Count / 2, "the start-up logs of most resources");

        Assert.True(secrets.Count >= 8, $"only {secrets.Count} secrets found");
        Assert.All(lines, l => Assert.All(secrets, secret => Assert.False(l.Line.Contains(secret, StringComparison.Ordinal), $"{l.Resource} logged one of the run's keys or passwords")));
    }

    /// <summary>A process and every process started under it (a server behind its start script).</summary>
    private static IEnumerable<int> Descendants(int root)
    {
        var parents = Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Select(p => int.TryParse(p, out var pid) ? pid : 0).Where(pid => pid > 0)
            .Select(pid => (Pid: pid, Parent: ParentOf(pid))).ToList();
        var found = new List<int> { root };
        for (var i = 0; i < found.Count; i++)
        {
            found.AddRange(parents.Where(p => p.Parent == found[i]).Select(p => p.Pid));
        }
        return found;
    }

    private static int ParentOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0; // it ended
        }
    }

    private static IEnumerable<string> SocketInodes(int pid)
    {
        try
        {
            return Directory.GetFiles($"/proc/{pid}/fd").Select(fd => new FileInfo(fd).LinkTarget).OfType<string>()
                .Where(t => t.StartsWith("socket:[", StringComparison.Ordinal)).Select(t => t[8..^1]).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>An address of /proc/net/tcp (hex, little-endian per 32-bit word): 127.x.x.x or ::1.</summary>
    private static bool IsLoopback(string hexAddress)
    {
        var host = hexAddress.Split(':')[0];
        return host.Length == 8
            ? host.EndsWith("7F", StringComparison.Ordinal)
            : host == "00000000000000000000000001000000" || (host.StartsWith("0000000000000000FFFF0000", StringComparison.Ordinal) && host.EndsWith("7F", StringComparison.Ordinal));
    }
}
