using System.Security.Cryptography;

namespace ConductorMesh.Verification;

/// <summary>
/// The Merkle tree of RFC 6962 (Certificate Transparency) over SHA-256: leaf hashes are
/// SHA-256(0x00 ‖ leaf), nodes SHA-256(0x01 ‖ left ‖ right), and a level's last node without a
/// sibling is carried up unchanged. Every level is kept, so an inclusion proof is read, not computed.
/// </summary>
public sealed class MerkleTree
{
    private const int HashSize = 32;

    // levels[0] holds the leaf hashes, each level half (rounded up) of the one below; the last holds the root.
    private readonly List<byte[]> levels = [];

    public MerkleTree(IReadOnlyList<byte[]> leafHashes)
    {
        Count = leafHashes.Count;
        var level = new byte[Count * HashSize];
        for (var i = 0; i < Count; i++)
        {
            leafHashes[i].CopyTo(level, i * HashSize);
        }
        levels.Add(level);
        while (level.Length > HashSize)
        {
            var nodes = level.Length / HashSize;
            var up = new byte[(nodes + 1) / 2 * HashSize];
            var (below, pairs) = (level, nodes / 2);
            // A large level's pairs are hashed on every core: a sealed cycle can have millions of leaves.
            var parts = pairs >= 16_384 ? Environment.ProcessorCount : 1;
            Parallel.For(0, parts, part =>
            {
                for (var pair = pairs * part / parts; pair < pairs * (part + 1) / parts; pair++)
                {
                    NodeHash(below.AsSpan(2 * pair * HashSize, HashSize), below.AsSpan((2 * pair + 1) * HashSize, HashSize), up.AsSpan(pair * HashSize, HashSize));
                }
            });
            if (nodes % 2 == 1)
            {
                level.AsSpan((nodes - 1) * HashSize, HashSize).CopyTo(up.AsSpan((nodes - 1) / 2 * HashSize));
            }
            levels.Add(level = up);
        }
    }

    /// <summary>How many leaves the tree holds.</summary>
    public long Count { get; }

    /// <summary>The root: the hash of the empty string for a tree of no leaves (RFC 6962).</summary>
    public byte[] Root => Count == 0 ? SHA256.HashData([]) : levels[^1];

    /// <summary>The audit path of leaf <paramref name="index"/>, bottom up (RFC 6962 §2.1.1).</summary>
    public IReadOnlyList<byte[]> ProofOf(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        var path = new List<byte[]>();
        for (var level = 0; level < levels.Count - 1; level++, index /= 2)
        {
            var sibling = index ^ 1;
            if (sibling * HashSize < levels[level].Length)
            {
                path.Add(levels[level].AsSpan((int)sibling * HashSize, HashSize).ToArray());
            }
        }
        return path;
    }

    public static byte[] LeafHash(ReadOnlySpan<byte> leaf)
    {
        var input = new byte[leaf.Length + 1];
        leaf.CopyTo(input.AsSpan(1));
        return SHA256.HashData(input);
    }

    public static byte[] NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        var hash = new byte[HashSize];
        NodeHash(left, right, hash);
        return hash;
    }

    private static void NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Span<byte> into)
    {
        Span<byte> input = stackalloc byte[1 + 2 * HashSize];
        input[0] = 1;
        left.CopyTo(input[1..]);
        right.CopyTo(input[(1 + HashSize)..]);
        SHA256.HashData(input, into);
    }

    /// <summary>
    /// Whether <paramref name="path"/> proves the leaf hash at <paramref name="index"/> of a tree of
    /// <paramref name="count"/> leaves into <paramref name="root"/> (RFC 9162 §2.1.3.2).
    /// </summary>
    public static bool Verifies(byte[] leafHash, long index, long count, IReadOnlyList<byte[]> path, byte[] root)
    {
        if (index < 0 || index >= count)
        {
            return false;
        }
        var (fn, sn, r) = (index, count - 1, leafHash);
        foreach (var p in path)
        {
            if (sn == 0 || p.Length != HashSize)
            {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn)
            {
                r = NodeHash(p, r);
                while ((fn & 1) == 0 && fn != 0)
                {
                    (fn, sn) = (fn >> 1, sn >> 1);
                }
            }
            else
            {
                r = NodeHash(r, p);
            }
            (fn, sn) = (fn >> 1, sn >> 1);
        }
        return sn == 0 && r.AsSpan().SequenceEqual(root);
    }
}
