namespace ConductorMesh.IntegrationTests;

/// <summary>A published Aspire manifest carries references to the secrets, never their values.</summary>
public sealed class ManifestTests
{
    [Fact]
    public async Task The_published_manifest_holds_no_private_key_or_password()
    {
        var manifest = await PublishedManifest.Get();

        Assert.Equal("{voting-key.value}", manifest.EnvironmentOf("voting")["Auth__OwnKey"]);
        Assert.Equal("{console-login.value}", manifest.EnvironmentOf("console")["Console__LoginToken"]);
        Assert.Contains("Password={postgres-password.value}", manifest.Text);
        Assert.All(manifest.Secrets, secret => Assert.DoesNotContain(secret, manifest.Text));
    }
}
