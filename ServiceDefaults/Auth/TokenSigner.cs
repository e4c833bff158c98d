using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace ConductorMesh.ServiceDefaults.Auth;

/// <summary>
/// A private key that signs tokens (ES256, P-256), named by its key id (<c>kid</c>). The local
/// issuer's key stays with the AppHost and <c>./mesh token</c>; each service holds only a key of its
/// own, which the others trust for nothing but that service (<see cref="TrustedKeys"/>).
/// </summary>
public sealed class TokenSigner
{
    public const string Algorithm = SecurityAlgorithms.EcdsaSha256;

    private readonly ECDsa key;

    private TokenSigner(string keyId, ECDsa key)
    {
        KeyId = keyId;
        this.key = key;
        Credentials = new SigningCredentials(new ECDsaSecurityKey(key) { KeyId = keyId }, Algorithm);
    }

    public string KeyId { get; }

    public SigningCredentials Credentials { get; }

    public static TokenSigner Create(string keyId) => new(keyId, ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>A signer from its private key, base64 PKCS#8 as <see cref="PrivateKey"/> writes it.</summary>
    public static TokenSigner FromPrivateKey(string keyId, string pkcs8Base64)
    {
        var key = ECDsa.Create();
        key.ImportPkcs8PrivateKey(Convert.FromBase64String(pkcs8Base64), out _);
        return new TokenSigner(keyId, key);
    }

    /// <summary>The private key, base64 PKCS#8: a secret.</summary>
    public string PrivateKey => Convert.ToBase64String(key.ExportPkcs8PrivateKey());

    /// <summary>The public half as a JSON Web Key, for those who check this signer's tokens.</summary>
    public JsonWebKey PublicJwk()
    {
        var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(ECDsa.Create(key.ExportParameters(includePrivateParameters: false))) { KeyId = KeyId });
        jwk.Alg = Algorithm;
        jwk.Use = "sig";
        return jwk;
    }
}
