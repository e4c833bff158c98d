using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ConductorMesh.ServiceDefaults.Auth;

/// <summary>
/// Local tokens, signed with the development key the AppHost hands every service
/// (HMAC-SHA256). A deployment names its identity provider instead (<c>Auth:Authority</c>).
/// </summary>
public static class MeshTokens
{
    public static byte[] NewSigningKey() => System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);

    public static SymmetricSecurityKey SigningKey(byte[] key) => new(key) { KeyId = "conductormesh-local" };

    public static string Issue(byte[] key, string role, string? partner = null, string? member = null, TimeSpan? lifetime = null, DateTime? now = null)
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
            SigningCredentials = new SigningCredentials(SigningKey(key), SecurityAlgorithms.HmacSha256),
        });
    }
}
