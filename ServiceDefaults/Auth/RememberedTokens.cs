using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ConductorMesh.ServiceDefaults.Auth;

/// <summary>
/// A token handler that remembers each valid token's checked claims until the token expires, so a
/// partner calling thousands of times with one token pays for its signature once. Without it,
/// parsing and checking the token was about 13 % of Voting's CPU per call (docs/benchmarks.md), and
/// an asymmetric signature costs several times more than that. Only successes are remembered: a
/// refused token is checked again each time, and remembering never lets a token outlive its
/// <c>exp</c>. Entries are kept for at most <see cref="MaxAge"/>, so a change of trusted keys
/// reaches every token within that time. One handler serves one authentication scheme, whose
/// validation rules do not change while it runs.
/// </summary>
public sealed class RememberedTokens : JsonWebTokenHandler
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    // Bounded: a flood of distinct valid tokens evicts old entries instead of growing memory.
    private readonly MemoryCache remembered = new(new MemoryCacheOptions { SizeLimit = 100_000 });
    private readonly TimeProvider time;

    public RememberedTokens(TimeProvider? time = null)
    {
        this.time = time ?? TimeProvider.System;
        MapInboundClaims = false;
    }

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        if (remembered.TryGetValue(token, out Remembered? known) && known!.Until > time.GetUtcNow())
        {
            // A copy of the identity per call: a request may add to its principal's claims.
            return new TokenValidationResult
            {
                IsValid = true,
                ClaimsIdentity = known.Identity.Clone(),
                SecurityToken = known.Token,
                Issuer = known.Issuer,
                TokenType = known.TokenType,
            };
        }
        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && result.SecurityToken is { } checkedToken)
        {
            var until = Min(new DateTimeOffset(checkedToken.ValidTo, TimeSpan.Zero), time.GetUtcNow() + MaxAge);
            remembered.Set(token, new Remembered(result.ClaimsIdentity.Clone(), checkedToken, result.Issuer, result.TokenType, until), new MemoryCacheEntryOptions { Size = 1, AbsoluteExpiration = until });
        }
        return result;
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    // The identity is kept as a copy of its own, as the first caller's may be added to.
    private sealed record Remembered(System.Security.Claims.ClaimsIdentity Identity, SecurityToken Token, string Issuer, string TokenType, DateTimeOffset Until);
}
