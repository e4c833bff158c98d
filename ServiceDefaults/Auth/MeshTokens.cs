using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ConductorMesh.ServiceDefaults.Auth;

/// <summary>
/// Local tokens (ES256): signed by the local issuer's key, which the AppHost and <c>./mesh token</c>
/// hold, or by a key bound to one caller (<see cref="TrustedKeys"/>). A deployment names its
/// identity provider instead (<c>Auth:Authority</c>).
/// </summary>
public static class MeshTokens
{
    /// <summary>The key id of the local issuer, which may sign tokens of every role.</summary>
    public const string IssuerKeyId = "conductormesh-local";

    public static string Issue(TokenSigner signer, string role, string? partner = null, string? member = null, TimeSpan? lifetime = null, DateTime? now = null)
    {
        if (!MeshClaims.Roles.All.Contains(role))
        {
            throw new ArgumentException($"Unknown role '{role}'; the roles are {string.Join(", ", MeshClaims.Roles.All)}.", nameof(role));
        }
        var claims = new List<Claim> { new(MeshClaims.Role, role) };
        if (!string.IsNullOrWhiteSpace(partner))
        {
            claims.Add(new Claim(MeshClaims.Partner, partner));
        }
        if (!string.IsNullOrWhiteSpace(member))
        {
            claims.Add(new Claim(MeshClaims.Member, member));
        }
        var issuedAt = now ?? DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = MeshClaims.Issuer,
            Audience = MeshClaims.Audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = issuedAt,
            NotBefore = issuedAt,
            Expires = issuedAt + (lifetime ?? TimeSpan.FromHours(12)),
            SigningCredentials = signer.Credentials,
        });
    }
}
