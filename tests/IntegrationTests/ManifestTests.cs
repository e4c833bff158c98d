using System.Diagnostics;
using ConductorMesh.AppHost;
using ConductorMesh.ServiceDefaults.Auth;

namespace ConductorMesh.IntegrationTests;

/// <summary>A published Aspire manifest carries references to the secrets, never their values.</summary>
public sealed class ManifestTests
{
    [Fact]
    public async Task The_published_manifest_holds_no_private_key_or_password()
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
            await publish.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token);
            Assert.True(publish.ExitCode == 0, $"{await output}\n{await errors}");

            var published = await File.ReadAllTextAsync(manifest);
            Assert.Contains("\"Auth__OwnKey\": \"{voting-key.value}\"", published);
            Assert.Contains("Password={postgres-password.value}", published);
            Assert.All(secrets, secret => Assert.DoesNotContain(secret, published));
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }
}
