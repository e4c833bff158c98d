using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using ConductorMesh.AppHost.Infrastructure;
using ConductorMesh.ServiceDefaults.Auth;
using Microsoft.Extensions.Configuration;

namespace ConductorMesh.AppHost;

/// <summary>
/// What the AppHost keeps between runs: the servers' data, the demo's marker and the keys that
/// sign local tokens, in <c>.mesh/</c> at the repository root unless <c>Mesh:StateDirectory</c>
/// names another folder (the tests' own).
/// </summary>
public sealed class LocalState
{
    private LocalState(string directory) => Directory = Path.GetFullPath(directory);

    public string Directory { get; }

    public static string RepoRoot =>
        typeof(LocalState).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepoRoot").Value!;

    /// <summary>The build configuration the AppHost was built in; the services run from the same.</summary>
    public static string Configuration =>
        typeof(LocalState).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "Configuration").Value!;

    public static LocalState From(IConfiguration configuration) =>
        new(configuration["Mesh:StateDirectory"] ?? Path.Combine(RepoRoot, ".mesh"));

    /// <summary>The state kept in <paramref name="directory"/> (a test run's own).</summary>
    public static LocalState At(string directory) => new(directory);

    public static LocalState FromEnvironment() => From(new ConfigurationBuilder().AddEnvironmentVariables().Build());

    /// <summary>Starts from empty data (<c>./mesh up --fresh</c>).</summary>
    public void Clear()
    {
        foreach (var folder in new[] { Directory, ServerDataRoot }.Distinct().Where(System.IO.Directory.Exists))
        {
            Console.WriteLine($"--fresh: removing {folder}");
            System.IO.Directory.Delete(folder, recursive: true);
        }
        serverDataRoot = null;
    }

    /// <summary>
    /// Where the servers keep their data: under the state folder, unless they run as their own
    /// system users (started by root) and cannot reach it, as in a clone under /root. Then it is
    /// /var/lib/conductormesh/&lt;hash of the state folder&gt;.
    /// </summary>
    public string ServerDataRoot => serverDataRoot ??= ChooseServerDataRoot();

    private string? serverDataRoot;

    public string DataOf(string server) => System.IO.Directory.CreateDirectory(Path.Combine(ServerDataRoot, server)).FullName;

    private string ChooseServerDataRoot()
    {
        System.IO.Directory.CreateDirectory(Directory);
        if (OperatingSystem.IsWindows() || !ServerUser.IsRoot || OthersCanReach(Directory))
        {
            return Directory;
        }
        var name = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Directory)))[..12].ToLowerInvariant();
        var root = System.IO.Directory.CreateDirectory("/var/lib/conductormesh", ReachableByAll).FullName;
        File.SetUnixFileMode(root, ReachableByAll);
        var data = System.IO.Directory.CreateDirectory(Path.Combine(root, name), ReachableByAll).FullName;
        Console.WriteLine($"The servers run as their own users and cannot reach {Directory}; their data is in {data}.");
        return data;
    }

    private const UnixFileMode ReachableByAll = (UnixFileMode)0b111_101_101; // 755

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static bool OthersCanReach(string path)
    {
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
    /// The local issuer's key, which signs tokens of every role (<c>./mesh token</c>, the demo,
    /// the dashboard's commands). It stays with the AppHost: the services get only its public half.
    /// </summary>
    public TokenSigner Issuer => SignerOf(MeshTokens.IssuerKeyId);

    private readonly Dictionary<string, TokenSigner> signers = [];

    /// <summary>
    /// The signer with this key id, made on first use and kept in <c>auth/</c> (readable by its owner
    /// only), so tokens outlive a restart. A bound key (<c>role:subject</c>) is one caller's own.
    /// </summary>
    public TokenSigner SignerOf(string keyId)
    {
        lock (signers)
        {
            if (!signers.TryGetValue(keyId, out var signer))
            {
                signers[keyId] = signer = LoadOrCreate(keyId);
            }
            return signer;
        }
    }

    /// <summary>The public keys of the issuer and of every signer made so far, as the JSON Web Key Set the services trust (<c>Auth:TrustedKeys</c>).</summary>
    public string TrustedKeys()
    {
        _ = Issuer;
        lock (signers)
        {
            return ServiceDefaults.Auth.TrustedKeys.KeySet(signers.Values.Select(s => s.PublicJwk()).OrderBy(k => k.Kid, StringComparer.Ordinal));
        }
    }

    private TokenSigner LoadOrCreate(string keyId)
    {
        var path = Path.Combine(Directory, "auth", $"{keyId.Replace(':', '-')}.key");
        return TokenSigner.FromPrivateKey(keyId, ReadOrCreatePrivate(path, () => TokenSigner.Create(keyId).PrivateKey));
    }

    /// <summary>
    /// A generated secret (a server's password), made on first use and kept in <c>secrets/</c>,
    /// readable by its owner only: hex, so it needs no escaping in a URI or a connection string.
    /// </summary>
    public string Secret(string name) =>
        ReadOrCreatePrivate(Path.Combine(Directory, "secrets", name), () => Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant());

    /// <summary>The file's content, or <paramref name="create"/>'s written privately (of two processes creating it at once, the first wins).</summary>
    private static string ReadOrCreatePrivate(string path, Func<string> create)
    {
        if (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }
        var content = create();
        return PrivateFile.Write(path, content, overwrite: false) ? content : File.ReadAllText(path).Trim();
    }
}
