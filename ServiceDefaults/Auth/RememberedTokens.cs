using System.Security.Claims;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ConductorMesh.ServiceDefaults.Auth;

/// <summary>
/// A token handler that remembers each valid token's checked claims until the token expires, so a
/// partner calling thousands of times with one token pays for its signature once. Without it,
/// parsing and checking the token was about 13 % of Voting's CPU per call (docs/benchmarks.md), and
/// an ES256 signature costs about 150 µs. Only successes are remembered: a
/// refused token is checked again each time, and remembering never lets a token outlive its
/// <c>exp</c>. Entries are kept for at most <see cref="MaxAge"/>, so a change of trusted keys
/// reaches every token within that time. One handler serves one authentication scheme, whose
/// validation rules do not change while it runs.
/// </summary>
public sealed class RememberedTokens : JsonWebTokenHandler
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    // Bounded, and each entry kept small (the claims and the token's dates, not the parsed token,
    // about 1.5 KB with its key): a flood of distinct valid tokens, such as every member voting
    // once with a token of their own, costs at most about 30 MB, and old entries make way.
    private readonly MemoryCache remembered = new(new MemoryCacheOptions { SizeLimit = 20_000 });
    private readonly TimeProvider time;

    public RememberedTokens(TimeProvider? time = null)
    {
        this.time = time ?? TimeProvider.System;
        MapInboundClaims = false;
    }

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        if (remembered.TryGetValue(token, out Remembered? known) && known!.Token.ValidTo > time.GetUtcNow().UtcDateTime)
        {
            // A new identity per call: a request may add to its principal's claims.
            return new TokenValidationResult
            {
                IsValid = true,
                ClaimsIdentity = new CaseSensitiveClaimsIdentity(known.Claims.Select(c => new Claim(c.Type, c.Value, ClaimValueTypes.String, known.Token.Issuer)),
                    known.AuthenticationType, validationParameters.NameClaimType, validationParameters.RoleClaimType),
                SecurityToken = known.Token,
                Issuer = known.Token.Issuer,
                TokenType = known.TokenType,
            };
        }
        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && result.SecurityToken is { } checkedToken)
        {
            var until = Min(checkedToken.ValidTo, (time.GetUtcNow() + MaxAge).UtcDateTime);
            var entry = new Remembered(
                result.ClaimsIdentity.Claims.Select(c => (c.Type, c.Value)).ToArray(),
                result.ClaimsIdentity.AuthenticationType,
                new CheckedToken(checkedToken.Id, checkedToken.Issuer, checkedToken.ValidFrom, until),
                result.TokenType);
            remembered.Set(token, entry, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpiration = new DateTimeOffset(until, TimeSpan.Zero) });
        }
        return result;
    }

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;

    private sealed record Remembered((string Type, string Value)[] Claims, string? AuthenticationType, CheckedToken Token, string TokenType);

    /// <summary>What a request needs of a checked token: its id, issuer and dates (until it is forgotten).</summary>
    private sealed class CheckedToken(string id, string issuer, DateTime validFrom, DateTime validTo) : SecurityToken
    {
        public override string Id => id;

        public override string Issuer => issuer;

        public override SecurityKey? SecurityKey => null;

        public override SecurityKey? SigningKey { get; set; }

        public override DateTime ValidFrom => validFrom;

        public override DateTime ValidTo => validTo;

        public override string UnsafeToString() => $"checked token {id}";
    }
}
