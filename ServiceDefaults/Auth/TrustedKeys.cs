using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ConductorMesh.ServiceDefaults.Auth;

/// <summary>
/// The public keys a service trusts for local tokens (<c>Auth:TrustedKeys</c>, a JSON Web Key Set
/// the AppHost writes). A key whose id is <c>role:subject</c> is bound: it proves that one caller
/// and nothing else, so a token it signs is refused unless its <c>role</c> and <c>sub</c> are exactly
/// those (<c>service:voting</c> signs only Voting's own calls). Any other key is an issuer's, trusted
/// for every role.
/// </summary>
public sealed class TrustedKeys
{
    private readonly Dictionary<string, (string Role, string Subject)> bound = new(StringComparer.Ordinal);

    public TrustedKeys(string jwks)
    {
        Keys = [.. new JsonWebKeySet(jwks).Keys];
        foreach (var key in Keys)
        {
            if (string.IsNullOrEmpty(key.Kid))
            {
                throw new InvalidOperationException("Every key in Auth:TrustedKeys needs a key id (kid).");
            }
            if (BindingOf(key.Kid) is { } binding)
            {
                bound[key.Kid] = binding;
            }
        }
    }

    public IReadOnlyList<JsonWebKey> Keys { get; }

    /// <summary>Public keys as the JSON Web Key Set that <c>Auth:TrustedKeys</c> holds.</summary>
    public static string KeySet(IEnumerable<JsonWebKey> keys) => System.Text.Json.JsonSerializer.Serialize(new
    {
        keys = keys.Select(k => new { kty = k.Kty, crv = k.Crv, x = k.X, y = k.Y, kid = k.Kid, alg = k.Alg, use = k.Use }),
    });

    /// <summary>The key id of a key bound to one caller.</summary>
    public static string BoundKeyId(string role, string subject) => $"{role}:{subject}";

    private static (string Role, string Subject)? BindingOf(string kid) =>
        kid.Split(':', 2) is [{ Length: > 0 } role, { Length: > 0 } subject] ? (role, subject) : null;

    /// <summary>
    /// Whether the key that signed the token may sign it: an issuer's key, a key from the identity
    /// provider, or a bound key whose role and subject the token claims exactly.
    /// </summary>
    public bool MaySign(SecurityKey key, SecurityToken token)
    {
        if (key.KeyId is not { } kid || !bound.TryGetValue(kid, out var binding))
        {
            return true;
        }
        return token is JsonWebToken jwt
            && jwt.TryGetPayloadValue<string>(MeshClaims.Role, out var role) && role == binding.Role
            && jwt.Subject == binding.Subject;
    }
}
