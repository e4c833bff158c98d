using ConductorMesh.ServiceDefaults.Auth;
using Microsoft.IdentityModel.Tokens;

namespace ConductorMesh.UnitTests;

/// <summary>
/// A remembered token answers as its first check did, but never past its expiry, and a refused
/// token is never remembered.
/// </summary>
public sealed class RememberedTokensTests
{
    private static readonly TokenSigner Key = TokenSigner.Create(MeshTokens.IssuerKeyId);
    private readonly Clock clock = new(DateTimeOffset.UtcNow);

    private TokenValidationParameters Parameters(string audience = MeshClaims.Audience) => new()
    {
        ValidIssuer = MeshClaims.Issuer,
        ValidAudience = audience,
        IssuerSigningKey = Key.PublicJwk(),
        // The token's lifetime is checked against the test's clock, as the cache is.
        LifetimeValidator = (notBefore, expires, _, _) => notBefore <= clock.GetUtcNow().UtcDateTime && clock.GetUtcNow().UtcDateTime < expires,
    };

    [Fact]
    public async Task A_remembered_token_has_the_same_claims_in_a_copy_of_its_own()
    {
        var handler = new RememberedTokens(clock);
        var token = MeshTokens.Issue(Key, MeshClaims.Roles.Member, member: "m-1", now: clock.GetUtcNow().UtcDateTime);

        var first = await handler.ValidateTokenAsync(token, Parameters());
        first.ClaimsIdentity.AddClaim(new System.Security.Claims.Claim("added", "by a request"));
        var second = await handler.ValidateTokenAsync(token, Parameters());

        Assert.True(second.IsValid);
        Assert.Equal("m-1", second.ClaimsIdentity.FindFirst(MeshClaims.Member)?.Value);
        Assert.Null(second.ClaimsIdentity.FindFirst("added"));
    }

    [Fact]
    public async Task A_token_is_refused_once_it_expires_though_it_was_remembered()
    {
        var handler = new RememberedTokens(clock);
        var token = MeshTokens.Issue(Key, MeshClaims.Roles.Partner, partner: "p-1", lifetime: TimeSpan.FromMinutes(2), now: clock.GetUtcNow().UtcDateTime);
        Assert.True((await handler.ValidateTokenAsync(token, Parameters())).IsValid);

        clock.Now += TimeSpan.FromMinutes(3);

        Assert.False((await handler.ValidateTokenAsync(token, Parameters())).IsValid);
    }

    [Fact]
    public async Task A_refused_token_is_not_remembered()
    {
        var handler = new RememberedTokens(clock);
        var token = MeshTokens.Issue(Key, MeshClaims.Roles.Operator, now: clock.GetUtcNow().UtcDateTime);

        Assert.False((await handler.ValidateTokenAsync(token, Parameters(audience: "another"))).IsValid);
        Assert.False((await handler.ValidateTokenAsync(token, Parameters(audience: "another"))).IsValid);
        Assert.True((await handler.ValidateTokenAsync(token, Parameters())).IsValid);
    }

    private sealed class Clock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
