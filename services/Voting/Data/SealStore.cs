using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using ConductorMesh.Contracts;
using ConductorMesh.ServiceDefaults.Messaging;
using ConductorMesh.Verification;
using Dapper;
using Npgsql;

namespace ConductorMesh.Voting.Data;

/// <summary>A cycle's seal as stored: the root of its tree, and its leaves counted and removed.</summary>
public sealed record Seal(byte[] Root, long Leaves, long Counted, long Removed, DateTime SealedAt);

/// <summary>
/// A closed cycle's votes as sealed leaves (docs/verification.md), read from the vote log in the
/// tree's order: each counted or removed, its voter by the program's pseudonym. The seal is made
/// once, in the close's transaction, from the same leaves the final tallies are counted from.
/// Receipts and exports read the leaves again and get the same root: what counts in a closed
/// cycle never changes (a held vote cannot be accepted after the close, and a removed vote is
/// removed whether it is voided or left held).
/// </summary>
public static class SealStore
{
    /// <summary>The leaf format and tree of docs/verification.md.</summary>
    public const string Algorithm = "conductormesh-tally-v1";

    public static Task<Seal?> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, Guid cycleId) =>
        connection.QuerySingleOrDefaultAsync<Seal?>(
            "SELECT root, leaves, counted, removed, sealed_at FROM cycle_seals WHERE cycle_id = @cycleId", new { cycleId }, tx);

    /// <summary>
    /// Seals the cycle (in the close's transaction, its row locked): answers the seal and each idea's
    /// counted votes with the time of its last, from the leaves the root commits to.
    /// </summary>
    public static async Task<(Seal Seal, Dictionary<Guid, (long Votes, DateTime LastVoteAt)> Counted)> SealAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, Guid cycleId, CancellationToken ct)
    {
        var hashes = new List<byte[]>();
        var counted = new Dictionary<Guid, (long Votes, DateTime LastVoteAt)>();
        await foreach (var leaf in LeavesAsync(connection, tx, cycleId, ct))
        {
            hashes.Add(leaf.Hash());
            if (leaf.IsCounted)
            {
                var (votes, last) = counted.GetValueOrDefault(leaf.IdeaId);
                counted[leaf.IdeaId] = (votes + 1, leaf.CastAt > last ? leaf.CastAt : last);
            }
        }
        var root = new MerkleTree(hashes).Root;
        var total = counted.Values.Sum(c => c.Votes);
        var seal = await connection.QuerySingleAsync<Seal>(
            """
            INSERT INTO cycle_seals (cycle_id, root, leaves, counted, removed) VALUES (@cycleId, @root, @leaves, @total, @removed)
            RETURNING root, leaves, counted, removed, sealed_at
            """, new { cycleId, root, leaves = (long)hashes.Count, total, removed = hashes.Count - total }, tx);
        await tx.EnqueueAsync(new CycleSealed(cycleId, Convert.ToHexStringLower(root), seal.Leaves, seal.Counted, seal.Removed, Algorithm,
            [.. counted.OrderBy(c => c.Key.ToString("D"), StringComparer.Ordinal).Select(c => new SealedTotal(c.Key, c.Value.Votes))]));
        return (seal, counted);
    }

    /// <summary>The cycle's leaves in the tree's order: by vote id (PostgreSQL orders uuids as their text sorts).</summary>
    public static async IAsyncEnumerable<TallyLeaf> LeavesAsync(
        NpgsqlConnection connection, NpgsqlTransaction? tx, Guid cycleId, [EnumeratorCancellation] CancellationToken ct)
    {
        var key = await ProgramKeyAsync(connection, tx, cycleId);
        await using var command = new NpgsqlCommand(
            $"SELECT v.id, v.idea_id, v.cast_at, v.voter_id, {VoteReviews.CountedSql} FROM votes v WHERE v.cycle_id = @cycleId ORDER BY v.id", connection, tx);
        command.Parameters.AddWithValue("cycleId", cycleId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            yield return new TallyLeaf(reader.GetGuid(0), reader.GetGuid(1), reader.GetDateTime(2), TallyLeaf.Pseudonym(key, reader.GetString(3)),
                reader.GetBoolean(4) ? null : TallyLeaf.VelocityThreshold);
        }
    }

    /// <summary>The one leaf of a vote, where its cycle's leaves hold it; null for an unknown vote.</summary>
    public static async Task<(Guid CycleId, string VoterId, TallyLeaf Leaf)?> LeafOfAsync(NpgsqlConnection connection, Guid voteId)
    {
        var vote = await connection.QuerySingleOrDefaultAsync<(Guid CycleId, Guid IdeaId, DateTime CastAt, string VoterId, bool Counted)?>(
            $"SELECT v.cycle_id, v.idea_id, v.cast_at, v.voter_id, {VoteReviews.CountedSql} FROM votes v WHERE v.id = @voteId", new { voteId });
        if (vote is not { } v)
        {
            return null;
        }
        var key = await ProgramKeyAsync(connection, null, v.CycleId);
        return (v.CycleId, v.VoterId, new TallyLeaf(voteId, v.IdeaId, v.CastAt, TallyLeaf.Pseudonym(key, v.VoterId), v.Counted ? null : TallyLeaf.VelocityThreshold));
    }

    /// <summary>The program's pseudonym key, made at its first seal.</summary>
    private static async Task<byte[]> ProgramKeyAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, Guid cycleId) =>
        await connection.QuerySingleAsync<byte[]>(
            """
            WITH program AS (SELECT program_id FROM ballot_cycles WHERE cycle_id = @cycleId),
                 made AS (INSERT INTO program_seal_keys (program_id, key) SELECT program_id, @key FROM program
                          ON CONFLICT (program_id) DO NOTHING RETURNING key)
            SELECT key FROM made UNION ALL SELECT k.key FROM program_seal_keys k JOIN program p ON p.program_id = k.program_id LIMIT 1
            """, new { cycleId, key = RandomNumberGenerator.GetBytes(32) }, tx);
}
