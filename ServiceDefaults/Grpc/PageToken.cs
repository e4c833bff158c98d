using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace ConductorMesh.ServiceDefaults.Grpc;

/// <summary>
/// An opaque cursor: the sort key of the last row of a page (a time or a rank, then an id).
/// Paging by key, not by offset, never repeats or skips rows while new ones are added.
/// </summary>
public static class PageToken
{
    public static string Encode(DateTime at, Guid id) => Encode(at.Ticks, id);

    /// <summary>A rank's exact bits, so the next page resumes precisely after an equal-ranked row.</summary>
    public static string Encode(float rank, Guid id) => Encode(BitConverter.SingleToInt32Bits(rank), id);

    public static (DateTime At, Guid Id)? Decode(string? token) =>
        DecodeKey(token) is var (position, id)
            ? position is >= 0 and <= 3155378975999999999 ? (new DateTime(position, DateTimeKind.Utc), id) : throw Malformed()
            : null;

    public static (float Rank, Guid Id)? DecodeRank(string? token) =>
        DecodeKey(token) is var (position, id)
            ? position is >= int.MinValue and <= int.MaxValue ? (BitConverter.Int32BitsToSingle((int)position), id) : throw Malformed()
            : null;

    /// <summary>A position in a ranking that moves while it is read (a live leaderboard): the next page starts there.</summary>
    public static string EncodeOffset(int offset) => Encode(offset, Guid.Empty);

    public static int DecodeOffset(string? token) =>
        DecodeKey(token) is var (position, _) ? position is >= 0 and <= 1_000_000 ? (int)position : throw Malformed() : 0;

    private static string Encode(long position, Guid id) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{position.ToString(CultureInfo.InvariantCulture)}:{id:N}"));

    private static (long Position, Guid Id)? DecodeKey(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }
        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token)).Split(':');
            return (long.Parse(parts[0], CultureInfo.InvariantCulture), Guid.ParseExact(parts[1], "N"));
        }
        catch (Exception e) when (e is FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException or OverflowException)
        {
            throw Malformed();
        }
    }

    private static Exception Malformed() => Check.Invalid("page_token", "is not a token returned by this API");
}

/// <summary>One page of rows read with one extra row: the extra row's presence means there is a next page.</summary>
public static class Paging
{
    public static (IEnumerable<T> Items, string NextPageToken) Page<T>(IReadOnlyList<T> rows, int size, Func<T, string> tokenAfter) =>
        rows.Count <= size ? (rows, "") : (rows.Take(size), tokenAfter(rows[size - 1]));

    public static (IEnumerable<T> Items, string NextPageToken) Page<T>(IReadOnlyList<T> rows, int size, Func<T, (DateTime At, Guid Id)> keyOf) =>
        Page(rows, size, r => keyOf(r) is var (at, id) ? PageToken.Encode(at, id) : "");

    /// <summary>Adds one page of <paramref name="rows"/> to a response's list as messages; answers the next page's token.</summary>
    public static string Fill<T, TMessage>(IReadOnlyList<T> rows, int size, Func<T, (DateTime At, Guid Id)> keyOf, ICollection<TMessage> into, Func<T, TMessage> toMessage)
    {
        var (items, next) = Page(rows, size, keyOf);
        foreach (var item in items)
        {
            into.Add(toMessage(item));
        }
        return next;
    }
}
