using System.Security.Claims;
using System.Text;
using System.Text.Json;
using ConductorMesh.ServiceDefaults.Auth;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ConductorMesh.IntegrationTests;

/// <summary>Tokens as an attacker who knows only public things would make them, each otherwise valid (issuer, audience, lifetime).</summary>
public static class ForgedTokens
{
    /// <summary>A token with <c>alg: none</c> and no signature.</summary>
    public static string Unsigned(string role)
    {
        static string Part(object value) => Base64UrlEncoder.Encode(JsonSerializer.Serialize(value));
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return $"{Part(new { alg = "none", typ = "JWT", kid = MeshTokens.IssuerKeyId })}."
            + $"{Part(new Dictionary<string, object> { ["iss"] = MeshClaims.Issuer, ["aud"] = MeshClaims.Audience, [MeshClaims.Role] = role, ["iat"] = now, ["nbf"] = now, ["exp"] = now + 3600 })}.";
    }

    /// <summary>An HS256 token whose HMAC key is the issuer's public key, as the services were given it.</summary>
    public static string KeyedWithPublicKey(TokenSigner issuer, string role)
    {
        var publicKey = issuer.PublicJwk();
        var secret = new SymmetricSecurityKey(Encoding.UTF8.GetBytes($"{publicKey.Kty}{publicKey.Crv}{publicKey.X}{publicKey.Y}")) { KeyId = issuer.KeyId };
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = MeshClaims.Issuer,
            Audience = MeshClaims.Audience,
            Subject = new ClaimsIdentity([new Claim(MeshClaims.Role, role)]),
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = new SigningCredentials(secret, SecurityAlgorithms.HmacSha256),
        });
    }
}
