using ConductorMesh.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace Microsoft.Extensions.Hosting;

public static class AuthenticationExtensions
{
    /// <summary>The algorithms an identity provider's tokens may use unless <c>Auth:Algorithms</c> names others.</summary>
    private static readonly string[] ProviderAlgorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.EcdsaSha256];

    /// <summary>
    /// Bearer tokens checked against exactly one configured source of keys: an identity provider
    /// (<c>Auth:Authority</c>, its keys from its discovery document) or the local keys
    /// (<c>Auth:TrustedKeys</c>, public keys only, set by the AppHost). Trusting both is refused
    /// unless <c>Auth:TrustBoth</c> says it is meant. Algorithms are pinned: ES256 for local keys,
    /// <c>Auth:Algorithms</c> (RS256 and ES256 by default) for the provider; a token with
    /// <c>alg: none</c> or a symmetric algorithm is refused. A call without a token is anonymous;
    /// what each caller may do is decided per RPC (<see cref="CallerAccess"/>).
    /// </summary>
    public static IHostApplicationBuilder AddMeshAuthentication(this IHostApplicationBuilder builder, string service)
    {
        var authority = builder.Configuration["Auth:Authority"];
        var trusted = builder.Configuration["Auth:TrustedKeys"] is { Length: > 0 } jwks ? new TrustedKeys(jwks) : null;
        var hasAuthority = !string.IsNullOrWhiteSpace(authority);
        if (!hasAuthority && trusted is null)
        {
            throw new InvalidOperationException("Set Auth:Authority (an identity provider) or Auth:TrustedKeys (the local keys, a JSON Web Key Set) to check callers' tokens.");
        }
        if (hasAuthority && trusted is not null && !builder.Configuration.GetValue<bool>("Auth:TrustBoth"))
        {
            throw new InvalidOperationException("Both an identity provider (Auth:Authority) and local keys (Auth:TrustedKeys) are configured. "
                + "Trust one of them, or set Auth:TrustBoth=true to accept tokens from both on purpose.");
        }
        var algorithms = new List<string>();
        if (hasAuthority)
        {
            algorithms.AddRange(builder.Configuration.GetSection("Auth:Algorithms").Get<string[]>() is { Length: > 0 } named ? named : ProviderAlgorithms);
        }
        if (trusted is not null)
        {
            algorithms.Add(TokenSigner.Algorithm);
        }
        if (algorithms.Any(a => a.StartsWith("HS", StringComparison.OrdinalIgnoreCase) || a.Equals("none", StringComparison.OrdinalIgnoreCase)))
        {
            throw new InvalidOperationException($"Auth:Algorithms may name only asymmetric algorithms (RS256, ES256, PS256, ...), not {string.Join(", ", algorithms)}.");
        }

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(o =>
        {
            o.MapInboundClaims = false;
            // Nothing reads the raw token back from the request; keeping it cost a dictionary per call.
            o.SaveToken = false;
            // One handler per service, remembering checked tokens (see RememberedTokens).
            o.TokenHandlers.Clear();
            o.TokenHandlers.Add(new RememberedTokens());
            if (hasAuthority)
            {
                o.Authority = authority;
            }
            o.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = builder.Configuration["Auth:Issuer"] ?? MeshClaims.Issuer,
                ValidAudience = builder.Configuration["Auth:Audience"] ?? MeshClaims.Audience,
                IssuerSigningKeys = trusted?.Keys,
                ValidAlgorithms = algorithms.Distinct().ToArray(),
                // A token names its key (kid); it is checked against that key only.
                TryAllIssuerSigningKeys = false,
                ValidateIssuerSigningKey = true,
                IssuerSigningKeyValidator = (key, token, _) => trusted?.MaySign(key, token) ?? true,
                RoleClaimType = MeshClaims.Role,
                NameClaimType = MeshClaims.Member,
                ClockSkew = TimeSpan.FromSeconds(30),
            };
        });
        builder.Services.AddAuthorization();

        // This service's own token, for its calls to the others: signed with its own key, which the
        // others trust only for "service <name>", or given (Auth:ServiceToken) where an identity
        // provider issues tokens.
        var ownKey = builder.Configuration["Auth:OwnKey"];
        var given = builder.Configuration["Auth:ServiceToken"];
        var own = string.IsNullOrWhiteSpace(ownKey) ? null
            : SelfIssuedToken.Own(MeshClaims.Roles.Service, service, ownKey);
        builder.Services.AddSingleton(new ServiceCredential(own is not null ? () => own.Current
            : !string.IsNullOrWhiteSpace(given) ? () => given
            : () => throw new InvalidOperationException("Set Auth:OwnKey (this service's own key) or Auth:ServiceToken (a token with the service role) for calls to other services.")));
        return builder;
    }
}
