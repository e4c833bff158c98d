using ConductorMesh.ServiceDefaults.Auth;
using Microsoft.Extensions.Hosting;

namespace ConductorMesh.UnitTests;

/// <summary>Which keys a service trusts is configured explicitly: one source, algorithms pinned, and a second source only on purpose.</summary>
public sealed class TrustedIssuersTests
{
    private static readonly string LocalKeys = TrustedKeys.KeySet([TokenSigner.Create(MeshTokens.IssuerKeyId).PublicJwk()]);

    private static Exception? Configure(params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder();
        foreach (var (key, value) in settings)
        {
            builder.Configuration[key] = value;
        }
        return Record.Exception(() => builder.AddMeshAuthentication("ideas"));
    }

    [Fact]
    public void An_identity_provider_and_local_keys_together_are_refused_unless_both_are_meant()
    {
        var both = Configure(("Auth:Authority", "https://id.example.org"), ("Auth:TrustedKeys", LocalKeys));
        Assert.Contains("Auth:TrustBoth", Assert.IsType<InvalidOperationException>(both).Message);
        Assert.Null(Configure(("Auth:Authority", "https://id.example.org"), ("Auth:TrustedKeys", LocalKeys), ("Auth:TrustBoth", "true")));
    }

    [Fact]
    public void A_service_needs_a_source_of_keys_and_refuses_symmetric_algorithms()
    {
        Assert.Contains("Auth:TrustedKeys", Assert.IsType<InvalidOperationException>(Configure()).Message);
        var symmetric = Configure(("Auth:Authority", "https://id.example.org"), ("Auth:Algorithms:0", "HS256"));
        Assert.Contains("only asymmetric algorithms", Assert.IsType<InvalidOperationException>(symmetric).Message);
        Assert.Null(Configure(("Auth:Authority", "https://id.example.org"), ("Auth:Algorithms:0", "RS256")));
    }
}
