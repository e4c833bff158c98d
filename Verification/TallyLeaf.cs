using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ConductorMesh.Verification;

/// <summary>
/// One vote of a closed cycle as the seal commits to it: counted, or removed (held by the
/// velocity threshold, never counted). The voter appears only as a pseudonym. Its bytes are the
/// fields joined by '|' in UTF-8, exactly as docs/verification.md writes them.
/// </summary>
public sealed record TallyLeaf(Guid VoteId, Guid IdeaId, DateTime CastAt, string Voter, string? Removal)
{
    public const string Counted = "counted";
    public const string Removed = "removed";

    /// <summary>The category of every removed vote: the velocity threshold held it, and it never counted.</summary>
    public const string VelocityThreshold = "velocity_threshold";

    public bool IsCounted => Removal is null;

    /// <summary>A vote of the vote log as a leaf: counted, or removed by the velocity threshold (the one reason a vote is not counted).</summary>
    public static TallyLeaf Of(Guid voteId, Guid ideaId, DateTime castAt, string pseudonym, bool counted) =>
        new(voteId, ideaId, castAt, pseudonym, counted ? null : VelocityThreshold);

    /// <summary>The leaf's text: <c>counted|vote|idea|cast_at|voter</c> or <c>removed|vote|idea|cast_at|voter|category</c>.</summary>
    public string Text
    {
        get
        {
            var fields = $"{VoteId:D}|{IdeaId:D}|{Time(CastAt)}|{Voter}";
            return Removal is null ? $"{Counted}|{fields}" : $"{Removed}|{fields}|{Removal}";
        }
    }

    /// <summary>SHA-256 of 0x00 then the text: RFC 6962's leaf hash, so a leaf is never taken for a node.</summary>
    public byte[] Hash()
    {
        // Written as UTF-8 straight into a buffer: a seal hashes a million of these.
        Span<byte> leaf = stackalloc byte[MaxBytes];
        var length = 1;
        leaf[0] = 0;
        Append(ref length, leaf, Removal is null ? "counted|"u8 : "removed|"u8);
        VoteId.TryFormat(leaf[length..], out var written, "D");
        length += written;
        Append(ref length, leaf, "|"u8);
        IdeaId.TryFormat(leaf[length..], out written, "D");
        length += written;
        Append(ref length, leaf, "|"u8);
        DateTime.SpecifyKind(CastAt, DateTimeKind.Utc).TryFormat(leaf[length..], out written, TimeFormat, CultureInfo.InvariantCulture);
        length += written;
        Append(ref length, leaf, "|"u8);
        length += Encoding.UTF8.GetBytes(Voter, leaf[length..]);
        if (Removal is not null)
        {
            Append(ref length, leaf, "|"u8);
            length += Encoding.UTF8.GetBytes(Removal, leaf[length..]);
        }
        return SHA256.HashData(leaf[..length]);
    }

    // The 0x00, the longest kind, two UUIDs, the time, a pseudonym of 64 and the longest category, with room.
    private const int MaxBytes = 1 + 8 + 37 + 37 + 28 + 65 + 64 + 64;

    private static void Append(ref int length, Span<byte> into, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(into[length..]);
        length += bytes.Length;
    }

    /// <summary>UTC, to the microsecond, as PostgreSQL keeps it: <c>2026-12-01T18:04:05.123456Z</c>.</summary>
    public static string Time(DateTime at) => DateTime.SpecifyKind(at, DateTimeKind.Utc).ToString(TimeFormat, CultureInfo.InvariantCulture);

    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";

    /// <summary>Reads a leaf's text back (an export's, a receipt's); null when it is not one.</summary>
    public static TallyLeaf? Parse(string text)
    {
        var f = text.Split('|');
        var removed = f is [Removed, _, _, _, _, _];
        if (!(removed || f is [Counted, _, _, _, _]) || !Guid.TryParseExact(f[1], "D", out var vote) || !Guid.TryParseExact(f[2], "D", out var idea)
            || !DateTime.TryParseExact(f[3], TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at))
        {
            return null;
        }
        var leaf = new TallyLeaf(vote, idea, at, f[4], removed ? f[5] : null);
        // Only the one spelling of each field: a leaf that reads differently hashes differently.
        return leaf.Text == text ? leaf : null;
    }

    /// <summary>The voter's pseudonym: HMAC-SHA256 of the voter id under the program's secret key, in lowercase hex.</summary>
    public static string Pseudonym(byte[] programKey, string voterId) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(programKey, Encoding.UTF8.GetBytes(voterId)));

    /// <summary>
    /// A vote id as a number that sorts as its lowercase text does (and as PostgreSQL orders uuids):
    /// its 16 bytes in RFC 4122's order, read big-endian.
    /// </summary>
    public static UInt128 OrderKey(Guid voteId)
    {
        Span<byte> bytes = stackalloc byte[16];
        voteId.TryWriteBytes(bytes, bigEndian: true, out _);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }
}
