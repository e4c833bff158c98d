using ConductorMesh.Verification;

namespace ConductorMesh.UnitTests;

/// <summary>A sealed cycle's leaves, tree and receipts: what a voter or an auditor checks offline.</summary>
public sealed class VerifiableTallyTests
{
    private static readonly byte[] ProgramKey = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();

    private static List<TallyLeaf> Leaves(int count) => SealedExport.InOrder(Enumerable.Range(0, count).Select(i => new TallyLeaf(
        Guid.CreateVersion7(new DateTimeOffset(2026, 12, 1, 18, 0, 0, TimeSpan.Zero).AddMilliseconds(i)),
        i % 3 == 0 ? IdeaA : IdeaB,
        new DateTime(2026, 12, 1, 18, 0, 0, DateTimeKind.Utc).AddTicks(i * 170),
        TallyLeaf.Pseudonym(ProgramKey, $"voter-{i}"),
        i % 7 == 6 ? TallyLeaf.VelocityThreshold : null))).ToList();

    private static readonly Guid IdeaA = Guid.Parse("0192e0a4-0000-7000-8000-00000000000a");
    private static readonly Guid IdeaB = Guid.Parse("0192e0a4-0000-7000-8000-00000000000b");

    [Theory]
    // RFC 9162's test data: the roots of the trees of its first 1 to 8 leaves.
    [InlineData(1, "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")]
    [InlineData(2, "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")]
    [InlineData(3, "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77")]
    [InlineData(4, "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")]
    [InlineData(5, "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4")]
    [InlineData(6, "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef")]
    [InlineData(7, "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c")]
    [InlineData(8, "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328")]
    public void The_tree_is_RFC_6962s(int count, string root)
    {
        byte[][] data = [[], [0x00], [0x10], [0x20, 0x21], [0x30, 0x31], [0x40, 0x41, 0x42, 0x43],
            [0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57], [.. Enumerable.Range(0x60, 16).Select(b => (byte)b)]];

        var tree = new MerkleTree(data.Take(count).Select(d => MerkleTree.LeafHash(d)).ToList());

        Assert.Equal(root, Convert.ToHexStringLower(tree.Root));
    }

    [Fact]
    public void Every_receipt_verifies_and_none_proves_another_leaf_or_place()
    {
        for (var count = 1; count <= 40; count++)
        {
            var leaves = Leaves(count);
            var tree = SealedExport.Tree(leaves);
            for (var i = 0; i < count; i++)
            {
                var proof = tree.ProofOf(i);
                Assert.True(MerkleTree.Verifies(leaves[i].Hash(), i, count, proof, tree.Root), $"leaf {i} of {count}");
                if (count > 1)
                {
                    Assert.False(MerkleTree.Verifies(leaves[(i + 1) % count].Hash(), i, count, proof, tree.Root), $"another leaf at {i} of {count}");
                    Assert.False(MerkleTree.Verifies(leaves[i].Hash(), (i + 1) % count, count, proof, tree.Root), $"leaf {i} at another place of {count}");
                }
                Assert.False(MerkleTree.Verifies(leaves[i].Hash(), i, count, proof, SealedExport.Tree(Leaves(count + 1)).Root), $"leaf {i} of {count} under another root");
            }
        }
    }

    [Fact]
    public void Changing_removing_or_adding_one_leaf_fails_the_check()
    {
        var leaves = Leaves(25);
        var root = SealedExport.Tree(leaves).Root;
        var extra = leaves[^1] with { VoteId = Guid.CreateVersion7(new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero)) };

        Assert.True(SealedExport.Check(leaves, root).Matches);
        Assert.False(SealedExport.Check([.. leaves.Take(10), leaves[10] with { IdeaId = leaves[10].IdeaId == IdeaA ? IdeaB : IdeaA }, .. leaves.Skip(11)], root).Matches);
        Assert.False(SealedExport.Check([.. leaves.Take(12), leaves[12] with { Removal = leaves[12].IsCounted ? TallyLeaf.VelocityThreshold : null }, .. leaves.Skip(13)], root).Matches);
        Assert.False(SealedExport.Check([.. leaves.Take(10), .. leaves.Skip(11)], root).Matches);
        Assert.False(SealedExport.Check([.. leaves, extra], root).Matches);
        Assert.False(SealedExport.Check([.. leaves.Take(5), leaves[6], leaves[5], .. leaves.Skip(7)], root).Matches);
    }

    [Fact]
    public void The_totals_are_the_counted_leaves_of_each_idea()
    {
        var leaves = Leaves(25);

        var (matches, _, count, totals, removed) = SealedExport.Check(leaves, SealedExport.Tree(leaves).Root);

        Assert.True(matches);
        Assert.Equal((25L, 3), (count, removed)); // leaves 6, 13 and 20 were held
        Assert.Equal(leaves.Count(l => l.IsCounted && l.IdeaId == IdeaA), totals[IdeaA]);
        Assert.Equal(22, totals.Values.Sum());
    }

    [Fact]
    public void A_leaf_hashes_its_text_and_vote_ids_sort_as_their_text()
    {
        foreach (var leaf in Leaves(14))
        {
            Assert.Equal(MerkleTree.LeafHash(System.Text.Encoding.UTF8.GetBytes(leaf.Text)), leaf.Hash());
        }
        var ids = Enumerable.Range(0, 1_000).Select(_ => Guid.NewGuid()).ToList();
        Assert.Equal(ids.Select(i => i.ToString("D")).Order(StringComparer.Ordinal), ids.OrderBy(TallyLeaf.OrderKey).Select(i => i.ToString("D")));
    }

    [Fact]
    public void A_leaf_reads_back_from_its_one_spelling_only()
    {
        var leaf = Leaves(7)[6];

        Assert.Equal(leaf, TallyLeaf.Parse(leaf.Text));
        Assert.StartsWith("removed|", leaf.Text);
        Assert.EndsWith("|velocity_threshold", leaf.Text);
        Assert.Null(TallyLeaf.Parse(leaf.Text.ToUpperInvariant()));
        Assert.Null(TallyLeaf.Parse(leaf.Text.Replace(".", ".0", StringComparison.Ordinal)));
        Assert.Null(TallyLeaf.Parse($"counted|{leaf.VoteId}"));
        Assert.Equal(64, leaf.Voter.Length);
        Assert.DoesNotContain("voter-6", leaf.Text);
    }
}
