using System.Diagnostics;
using ConductorMesh.ServiceDefaults.Auth;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ConductorMesh.Bench;

/// <summary>
/// What a service spends checking a token (ES256) the first time, and what it spends once the
/// token is remembered (<see cref="RememberedTokens"/>): the difference a partner that repeats its
/// token sees on every call.
/// </summary>
public static class TokenChecks
{
    public static async Task<(double FirstMicroseconds, double RememberedMicroseconds)> MeasureAsync(int count = 2_000)
    {
        var issuer = TokenSigner.Create(MeshTokens.IssuerKeyId);
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = MeshClaims.Issuer, ValidAudience = MeshClaims.Audience, IssuerSigningKey = issuer.PublicJwk(), ValidAlgorithms = [TokenSigner.Algorithm],
        };
        var tokens = Enumerable.Range(0, count).Select(i => MeshTokens.Issue(issuer, MeshClaims.Roles.Member, member: $"m-{i}")).ToList();
        var handler = new RememberedTokens();
        await handler.ValidateTokenAsync(tokens[0], parameters); // compiled and warm

        var first = Stopwatch.StartNew();
        foreach (var token in tokens.Skip(1))
        {
            Check(await handler.ValidateTokenAsync(token, parameters));
        }
        var firstMicroseconds = first.Elapsed.TotalMicroseconds / (count - 1);

        var again = Stopwatch.StartNew();
        foreach (var token in tokens.Skip(1))
        {
            Check(await handler.ValidateTokenAsync(token, parameters));
        }
        return (firstMicroseconds, again.Elapsed.TotalMicroseconds / (count - 1));
    }

    private static void Check(TokenValidationResult result)
    {
        if (!result.IsValid)
        {
            throw new InvalidOperationException($"a benchmark token was refused: {result.Exception?.Message}");
        }
    }
}
