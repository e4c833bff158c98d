namespace ConductorMesh.Verification;

/// <summary>
/// The check an auditor makes of a closed cycle's export: the leaves, in their order, give the
/// published root; and the counted leaves, idea by idea, give the totals.
/// </summary>
public static class SealedExport
{
    /// <summary>The order of a cycle's leaves: by vote id, as its lowercase text sorts (vote ids are UUIDv7, so by time).</summary>
    public static IEnumerable<TallyLeaf> InOrder(IEnumerable<TallyLeaf> leaves) => leaves.OrderBy(l => TallyLeaf.OrderKey(l.VoteId));

    /// <summary>The tree of leaves already in their order, their hashes made on every core (a cycle can have millions).</summary>
    public static MerkleTree Tree(IReadOnlyList<TallyLeaf> ordered)
    {
        var hashes = new byte[ordered.Count][];
        Parallel.For(0, ordered.Count, i => hashes[i] = ordered[i].Hash());
        return new MerkleTree(hashes);
    }

    /// <summary>Each idea's counted votes.</summary>
    public static IReadOnlyDictionary<Guid, long> Totals(IEnumerable<TallyLeaf> leaves) =>
        leaves.Where(l => l.IsCounted).GroupBy(l => l.IdeaId).ToDictionary(g => g.Key, g => (long)g.Count());

    /// <summary>What an export says: whether it gives the root, the root it gives, and its totals.</summary>
    public static (bool Matches, byte[] Root, long Leaves, IReadOnlyDictionary<Guid, long> Totals, int Removed) Check(IReadOnlyList<TallyLeaf> exported, byte[] root)
    {
        var ordered = exported.Zip(InOrder(exported)).All(p => p.First.VoteId == p.Second.VoteId) && exported.Select(l => l.VoteId).Distinct().Count() == exported.Count;
        var tree = Tree(exported);
        return (ordered && tree.Root.AsSpan().SequenceEqual(root), tree.Root, tree.Count, Totals(exported), exported.Count(l => !l.IsCounted));
    }
}
