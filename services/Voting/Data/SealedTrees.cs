using ConductorMesh.ServiceDefaults.Grpc;
using ConductorMesh.Verification;
using Microsoft.Extensions.Caching.Memory;
using Npgsql;

namespace ConductorMesh.Voting.Data;

/// <summary>
/// Sealed cycles for receipts and exports. A cycle's tree is built again from its leaves and kept a
/// while: its receipts are asked for together, after its results are published. A tree is checked
/// against the stored root before it answers anything. Exports stream the leaves straight from the
/// vote log, in the tree's order.
/// </summary>
public sealed class SealedTrees(NpgsqlDataSource dataSource)
{
    /// <summary>A sealed cycle's tree and its vote ids in the tree's order.</summary>
    public sealed record Sealed(Seal Seal, MerkleTree Tree, Guid[] VoteIds);

    // Sized in leaves: about 100 bytes a leaf (two levels of hashes and the vote id), so 2 million is about 200 MB at most.
    private readonly MemoryCache trees = new(new MemoryCacheOptions { SizeLimit = 2_000_000 });
    private readonly SemaphoreSlim building = new(1, 1);

    /// <summary>The cycle's tree, or null while the cycle is not sealed.</summary>
    public async Task<Sealed?> OfAsync(Guid cycleId, CancellationToken ct)
    {
        if (trees.TryGetValue(cycleId, out Sealed? known))
        {
            return known;
        }
        // One build at a time: each reads a whole cycle's votes.
        await building.WaitAsync(ct);
        try
        {
            if (trees.TryGetValue(cycleId, out known))
            {
                return known;
            }
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            if (await SealStore.ReadAsync(connection, null, cycleId) is not { } seal)
            {
                return null;
            }
            var leaves = await SealStore.AllLeavesAsync(connection, null, cycleId, ct);
            var tree = SealedExport.Tree(leaves);
            var ids = leaves.Select(l => l.VoteId).ToArray();
            if (!tree.Root.AsSpan().SequenceEqual(seal.Root))
            {
                throw new InvalidOperationException($"The votes of cycle {cycleId} no longer give its sealed root {Convert.ToHexStringLower(seal.Root)}.");
            }
            var built = new Sealed(seal, tree, ids);
            trees.Set(cycleId, built, new MemoryCacheEntryOptions { Size = Math.Max(1, ids.Length), SlidingExpiration = TimeSpan.FromMinutes(30) });
            return built;
        }
        finally
        {
            building.Release();
        }
    }

    /// <summary>A vote's leaf with its cycle and voter; null for an unknown vote.</summary>
    public async Task<(Guid CycleId, string VoterId, TallyLeaf Leaf)?> LeafOfAsync(Guid voteId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await SealStore.LeafOfAsync(connection, voteId);
    }

    /// <summary>A sealed cycle's leaves in order, one by one; null while the cycle is not sealed.</summary>
    public async Task<IAsyncEnumerable<TallyLeaf>?> LeavesAsync(Guid cycleId, CancellationToken ct)
    {
        await using (var connection = await dataSource.OpenConnectionAsync(ct))
        {
            if (await SealStore.ReadAsync(connection, null, cycleId) is null)
            {
                return null;
            }
        }
        return Stream(cycleId, ct);
    }

    private async IAsyncEnumerable<TallyLeaf> Stream(Guid cycleId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await foreach (var leaf in SealStore.LeavesAsync(connection, null, cycleId, ct))
        {
            yield return leaf;
        }
    }

    private static readonly Comparer<Guid> TreeOrder = Comparer<Guid>.Create((a, b) => TallyLeaf.OrderKey(a).CompareTo(TallyLeaf.OrderKey(b)));

    /// <summary>Where a vote sits in its sealed cycle's leaves (they are in the order of their ids' text).</summary>
    public static long IndexOf(Sealed tree, Guid voteId)
    {
        var index = Array.BinarySearch(tree.VoteIds, voteId, TreeOrder);
        return index >= 0 ? index : throw Check.NotFound($"Vote {voteId} is not among its cycle's sealed votes.");
    }
}
