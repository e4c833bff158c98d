using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace ConductorMesh.AppHost.Hosting;

/// <summary>
/// Where the AppHost keeps state and which ports it uses. Each default port can be overridden
/// with an environment variable MESH_&lt;RESOURCE&gt;_PORT (MESH_IDEAS_PORT=7201).
/// </summary>
public sealed class AppHostSettings
{
    public static readonly IReadOnlyDictionary<string, int> DefaultPorts = new Dictionary<string, int>
    {
        ["ideas"] = 7101,
        ["voting"] = 7102,
        ["grants"] = 7103,
        ["community"] = 7104,
        ["postgres"] = 55432,
        ["redis"] = 56379,
        ["messaging"] = 55672,
        ["messaging-dist"] = 55772,
        ["messaging-epmd"] = 55872,
        ["messaging-management"] = 55972,
        ["dashboard"] = 18888,
    };

    public required string StateDirectory { get; init; }

    /// <summary>Ports chosen by the kernel instead of the defaults, for test runs beside a running system.</summary>
    public bool UseFreePorts { get; init; }

    /// <summary>Trades crash safety for speed (no fsync); for throw-away test servers only.</summary>
    public bool Ephemeral { get; init; }

    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(120);
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Connection strings of existing servers to use instead of starting our own.</summary>
    public Func<string, string?> ExistingConnectionString { get; init; } =
        name => Environment.GetEnvironmentVariable($"ConnectionStrings__{name}");

    private readonly Dictionary<string, int> ports = [];

    public int Port(string resource)
    {
        lock (ports)
        {
            if (!ports.TryGetValue(resource, out var port))
            {
                var overridden = Environment.GetEnvironmentVariable($"MESH_{resource.ToUpperInvariant().Replace('-', '_')}_PORT");
                port = UseFreePorts ? FreePort.Next() : overridden is not null ? int.Parse(overridden) : DefaultPorts[resource];
                ports[resource] = port;
            }
            return port;
        }
    }

    /// <summary>
    /// Where the servers keep their data: under the state folder, unless they run as their own
    /// system users (started by root) and cannot reach it, as in a clone under /root or in a
    /// private temporary folder. Then it is /var/lib/conductormesh/&lt;hash of the state folder&gt;.
    /// </summary>
    public string ServerDataRoot => serverDataRoot ??= ChooseServerDataRoot();

    private string? serverDataRoot;

    private string ChooseServerDataRoot()
    {
        var state = Path.GetFullPath(StateDirectory);
        if (OperatingSystem.IsWindows() || !Native.IsRoot || OthersCanReach(state))
        {
            return state;
        }
        var name = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(state)))[..12].ToLowerInvariant();
        var root = Directory.CreateDirectory("/var/lib/conductormesh", ReachableByAll).FullName;
        File.SetUnixFileMode(root, ReachableByAll);
        return Directory.CreateDirectory(Path.Combine(root, name), ReachableByAll).FullName;
    }

    private const UnixFileMode ReachableByAll = (UnixFileMode)0b111_101_101; // 755

    private static bool OthersCanReach(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return true;
        }
        for (var dir = new DirectoryInfo(path); dir is not null; dir = dir.Parent)
        {
            if (dir.Exists && !File.GetUnixFileMode(dir.FullName).HasFlag(UnixFileMode.OtherExecute))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// The key that signs local development tokens, made on first use and kept in the state
    /// folder (readable by its owner only), so tokens from <c>./mesh token</c> outlive a restart.
    /// </summary>
    public byte[] SigningKey => signingKey ??= LoadOrCreateSigningKey();

    private byte[]? signingKey;

    private byte[] LoadOrCreateSigningKey()
    {
        var path = Path.Combine(StateDirectory, "auth", "signing-key");
        if (File.Exists(path))
        {
            return Convert.FromBase64String(File.ReadAllText(path).Trim());
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var key = ConductorMesh.ServiceDefaults.Auth.MeshTokens.NewSigningKey();
        File.WriteAllText(path, Convert.ToBase64String(key));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return key;
    }

    public static string RepoRoot => Metadata("RepoRoot");

    /// <summary>The build configuration the AppHost was built in; services run from the same.</summary>
    public static string Configuration => Metadata("Configuration");

    private static string Metadata(string key) =>
        typeof(AppHostSettings).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
