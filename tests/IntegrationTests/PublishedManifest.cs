using System.Diagnostics;
using System.Text.Json.Nodes;
using ConductorMesh.AppHost;
using ConductorMesh.ServiceDefaults.Auth;

namespace ConductorMesh.IntegrationTests;

/// <summary>
/// The AppHost's Aspire manifest (<c>--publisher manifest</c>), published once per test run from a
/// state folder of its own: what each resource is given, by name, with references where secrets go.
/// </summary>
public sealed class PublishedManifest
{
    private static readonly Lazy<Task<PublishedManifest>> Once = new(PublishAsync);

    private PublishedManifest(string text, IReadOnlyList<string> secrets) => (Text, Secrets, Json) = (text, secrets, JsonNode.Parse(text)!);

    public static Task<PublishedManifest> Get() => Once.Value;

    /// <summary>The manifest as written.</summary>
    public string Text { get; }

    public JsonNode Json { get; }

    /// <summary>The private keys and passwords of the state the manifest was published from.</summary>
    public IReadOnlyList<string> Secrets { get; }

    /// <summary>The environment the AppHost gives <paramref name="resource"/>: names and values, references unresolved.</summary>
    public IReadOnlyDictionary<string, string> EnvironmentOf(string resource) =>
        Json["resources"]![resource]!["env"]!.AsObject().ToDictionary(e => e.Key, e => e.Value!.GetValue<string>());

    private static async Task<PublishedManifest> PublishAsync()
    {
        var state = Directory.CreateTempSubdirectory("conductormesh-manifest-").FullName;
        try
        {
            var local = LocalState.At(state);
            var secrets = new[]
            {
                local.Issuer.PrivateKey,
                local.SignerOf(TrustedKeys.BoundKeyId(MeshClaims.Roles.Service, "voting")).PrivateKey,
                local.Secret("postgres-password"),
                local.Secret("messaging-password"),
            };
            var manifest = Path.Combine(state, "manifest.json");
            var apphost = Path.Combine(LocalState.RepoRoot, "AppHost", "bin", LocalState.Configuration, "net10.0", "ConductorMesh.AppHost.dll");
            using var publish = Process.Start(new ProcessStartInfo("dotnet", [apphost, "--publisher", "manifest", "--output-path", manifest])
            {
                WorkingDirectory = Path.GetDirectoryName(apphost)!,
                Environment = { ["Mesh__StateDirectory"] = state },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            var output = publish.StandardOutput.ReadToEndAsync();
            var errors = publish.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await publish.WaitForExitAsync(timeout.Token);
            if (publish.ExitCode != 0)
            {
                throw new InvalidOperationException($"publishing the manifest failed: {await output}\n{await errors}");
            }
            return new PublishedManifest(await File.ReadAllTextAsync(manifest), secrets);
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }
}
