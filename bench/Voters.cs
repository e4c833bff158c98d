using ConductorMesh.ServiceDefaults.Auth;
using Grpc.Core;

namespace ConductorMesh.Bench;

/// <summary>
/// Voters with their member tokens, made before a measure as a partner holds its members' tokens,
/// so minting is not measured on the cores the system runs on. Each vote takes the next voter.
/// </summary>
public sealed class Voters(TokenSigner signer, string run)
{
    private (string Voter, Metadata Token)[] pool = [];
    private long next = -1;

    /// <summary>Makes <paramref name="count"/> new voters and their tokens.</summary>
    public void Mint(int count)
    {
        var start = pool.Length;
        pool = [.. pool, .. Enumerable.Range(start, count).Select(n =>
        {
            var voter = $"v{run}-{n}";
            return (voter, TokenOf(signer, voter));
        })];
    }

    /// <summary>Call headers of a member acting as themselves.</summary>
    public static Metadata TokenOf(TokenSigner signer, string member) =>
        new() { { "authorization", $"Bearer {MeshTokens.Issue(signer, MeshClaims.Roles.Member, member: member)}" } };

    /// <summary>The next unused voter; past the pool, the measure fails loudly rather than mint during it.</summary>
    public (string Voter, Metadata Token) Next()
    {
        var n = Interlocked.Increment(ref next);
        return n < pool.Length ? pool[n] : throw new InvalidOperationException($"only {pool.Length:N0} voters were minted; mint more before the measure");
    }
}
