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

    /// <summary>What a leaf is made of, of a query's <c>votes v</c>; the last column is whether the vote counts.</summary>
    private const string LeafColumns = $"v.id, v.idea_id, v.cast_at, v.voter_id, {VoteReviews.CountedSql}";

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
        var leaves = await AllLeavesAsync(connection, tx, cycleId, ct);
        var counted = new Dictionary<Guid, (long Votes, DateTime LastVoteAt)>();
        foreach (var leaf in leaves.Where(l => l.IsCounted))
        {
            var (votes, last) = counted.GetValueOrDefault(leaf.IdeaId);
            counted[leaf.IdeaId] = (votes + 1, leaf.CastAt > last ? leaf.CastAt : last);
        }
        var root = SealedExport.Tree(leaves).Root;
        var total = counted.Values.Sum(c => c.Votes);
        var seal = await connection.QuerySingleAsync<Seal>(
            """
            INSERT INTO cycle_seals (cycle_id, root, leaves, counted, removed) VALUES (@cycleId, @root, @leaves, @total, @removed)
            RETURNING root, leaves, counted, removed, sealed_at
            """, new { cycleId, root, leaves = (long)leaves.Length, total, removed = leaves.Length - total }, tx);
        await tx.EnqueueAsync(new CycleSealed(cycleId, Convert.ToHexStringLower(root), seal.Leaves, seal.Counted, seal.Removed, Algorithm,
            [.. counted.OrderBy(c => c.Key.ToString("D"), StringComparer.Ordinal).Select(c => new SealedTotal(c.Key, c.Value.Votes))]));
        return (seal, counted);
    }

    /// <summary>
    /// Every leaf of the cycle, in the tree's order, at once: read unordered, each voter's pseudonym
    /// made once and on every core, then sorted by vote id here rather than by PostgreSQL, whose sort
    /// of a million rows spills to disk. The same leaves as <see cref="LeavesAsync"/>, which streams them.
    /// </summary>
    public static async Task<TallyLeaf[]> AllLeavesAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, Guid cycleId, CancellationToken ct)
    {
        var key = await ProgramKeyAsync(connection, tx, cycleId);
        var rows = new List<(Guid Id, Guid IdeaId, DateTime CastAt, string VoterId, bool Counted)>();
        await using (var command = new NpgsqlCommand(
            $"SELECT {LeafColumns} FROM votes v WHERE v.cycle_id = @cycleId", connection, tx))
        {
            command.Parameters.AddWithValue("cycleId", cycleId);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                rows.Add((reader.GetGuid(0), reader.GetGuid(1), reader.GetDateTime(2), reader.GetString(3), reader.GetBoolean(4)));
            }
        }
        var voters = rows.Select(r => r.VoterId).Distinct().ToArray();
        var pseudonyms = new string[voters.Length];
        Parallel.For(0, voters.Length, i => pseudonyms[i] = TallyLeaf.Pseudonym(key, voters[i]));
        var pseudonymOf = voters.Zip(pseudonyms).ToDictionary(p => p.First, p => p.Second);
        var leaves = rows.Select(r => TallyLeaf.Of(r.Id, r.IdeaId, r.CastAt, pseudonymOf[r.VoterId], r.Counted)).ToArray();
        Array.Sort(leaves.Select(l => TallyLeaf.OrderKey(l.VoteId)).ToArray(), leaves);
        return leaves;
    }

    /// <summary>The cycle's leaves in the tree's order, one by one: by vote id, which PostgreSQL orders as the ids' text sorts.</summary>
    public static async IAsyncEnumerable<TallyLeaf> LeavesAsync(
        NpgsqlConnection connection, NpgsqlTransaction? tx, Guid cycleId, [EnumeratorCancellation] CancellationToken ct)
    {
        var key = await ProgramKeyAsync(connection, tx, cycleId);
        var pseudonyms = new Dictionary<string, string>();
        await using var command = new NpgsqlCommand(
            $"SELECT {LeafColumns} FROM votes v WHERE v.cycle_id = @cycleId ORDER BY v.id", connection, tx);
        command.Parameters.AddWithValue("cycleId", cycleId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var voter = reader.GetString(3);
            if (!pseudonyms.TryGetValue(voter, out var pseudonym))
            {
                pseudonyms[voter] = pseudonym = TallyLeaf.Pseudonym(key, voter);
            }
            yield return TallyLeaf.Of(reader.GetGuid(0), reader.GetGuid(1), reader.GetDateTime(2), pseudonym, reader.GetBoolean(4));
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
        return (v.CycleId, v.VoterId, TallyLeaf.Of(voteId, v.IdeaId, v.CastAt, TallyLeaf.Pseudonym(key, v.VoterId), v.Counted));
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
