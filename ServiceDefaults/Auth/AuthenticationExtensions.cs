using ConductorMesh.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace Microsoft.Extensions.Hosting;

public static class AuthenticationExtensions
{
    /// <summary>
    /// Bearer tokens checked against the configured issuer: either an identity provider
    /// (<c>Auth:Authority</c>, keys from its discovery document) or the local development key
    /// (<c>Auth:SigningKey</c>, base64, set by the AppHost). A call without a token is anonymous;
    /// what each caller may do is decided per RPC
    /// (<see cref="CallerAccess"/>).
    /// </summary>
    public static IHostApplicationBuilder AddMeshAuthentication(this IHostApplicationBuilder builder, string service)
    {
        var authority = builder.Configuration["Auth:Authority"];
        var signingKey = builder.Configuration["Auth:SigningKey"];
        if (string.IsNullOrWhiteSpace(authority) && string.IsNullOrWhiteSpace(signingKey))
        {
            throw new InvalidOperationException("Set Auth:Authority (an identity provider) or Auth:SigningKey (the local development key, base64) to check callers' tokens.");
        }
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(o =>
        {
            o.MapInboundClaims = false;
            // Nothing reads the raw token back from the request; keeping it cost a dictionary per call.
            o.SaveToken = false;
            // One handler per service, remembering checked tokens (see RememberedTokens).
            o.TokenHandlers.Clear();
            o.TokenHandlers.Add(new RememberedTokens());
            if (!string.IsNullOrWhiteSpace(authority))
            {
                o.Authority = authority;
            }
            o.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = builder.Configuration["Auth:Issuer"] ?? MeshClaims.Issuer,
                ValidAudience = builder.Configuration["Auth:Audience"] ?? MeshClaims.Audience,
                IssuerSigningKey = string.IsNullOrWhiteSpace(signingKey) ? null : MeshTokens.SigningKey(Convert.FromBase64String(signingKey)),
                RoleClaimType = MeshClaims.Role,
                NameClaimType = MeshClaims.Member,
                ClockSkew = TimeSpan.FromSeconds(30),
            };
        });
        builder.Services.AddAuthorization();

        // This service's own token, for its calls to the others: made with the local key, or
        // given (Auth:ServiceToken) where an identity provider issues tokens.
        var given = builder.Configuration["Auth:ServiceToken"];
        var own = string.IsNullOrWhiteSpace(signingKey) ? null : new SelfIssuedToken(Convert.FromBase64String(signingKey), MeshClaims.Roles.Service, service);
        builder.Services.AddSingleton(new ServiceCredential(own is not null ? () => own.Current
            : !string.IsNullOrWhiteSpace(given) ? () => given
            : () => throw new InvalidOperationException("Set Auth:ServiceToken (a token with the service role) for calls to other services.")));
        return builder;
    }
}
