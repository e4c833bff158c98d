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
            var publish = await Commands.MeshAsync(["--publisher", "manifest", "--output-path", manifest], new Dictionary<string, string> { ["Mesh__StateDirectory"] = state });
            if (publish.ExitCode != 0)
            {
                throw new InvalidOperationException($"publishing the manifest failed: {publish.Output}\n{publish.Errors}");
            }
            return new PublishedManifest(await File.ReadAllTextAsync(manifest), secrets);
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }
}
