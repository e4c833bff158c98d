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
    public byte[] Hash() => MerkleTree.LeafHash(Encoding.UTF8.GetBytes(Text));

    /// <summary>UTC, to the microsecond, as PostgreSQL keeps it: <c>2026-12-01T18:04:05.123456Z</c>.</summary>
    public static string Time(DateTime at) => DateTime.SpecifyKind(at, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Reads a leaf's text back (an export's, a receipt's); null when it is not one.</summary>
    public static TallyLeaf? Parse(string text)
    {
        var f = text.Split('|');
        var removed = f is [Removed, _, _, _, _, _];
        if (!(removed || f is [Counted, _, _, _, _]) || !Guid.TryParseExact(f[1], "D", out var vote) || !Guid.TryParseExact(f[2], "D", out var idea)
            || !DateTime.TryParseExact(f[3], "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at))
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
}
