using System.Buffers.Text;
using System.Text;

namespace ConductorMesh.ServiceDefaults.Grpc;

/// <summary>
/// An opaque cursor: the sort key of the last row of a page. Paging by key, not by offset,
/// never repeats or skips rows while new ones are added.
/// </summary>
public static class PageToken
{
    public static string Encode(DateTime at, Guid id) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{at.Ticks}:{id:N}"));

    public static (DateTime At, Guid Id)? Decode(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }
        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token)).Split(':');
            return (new DateTime(long.Parse(parts[0]), DateTimeKind.Utc), Guid.ParseExact(parts[1], "N"));
        }
        catch (Exception e) when (e is FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException or OverflowException)
        {
            throw Check.Invalid("page_token", "is not a token returned by this API");
        }
    }
}

/// <summary>One page of rows read with one extra row: the extra row's presence means there is a next page.</summary>
public static class Paging
{
    public static (IEnumerable<T> Items, string NextPageToken) Page<T>(IReadOnlyList<T> rows, int size, Func<T, (DateTime At, Guid Id)> keyOf)
    {
        if (rows.Count <= size)
        {
            return (rows, "");
        }
        var (at, id) = keyOf(rows[size - 1]);
        return (rows.Take(size), PageToken.Encode(at, id));
    }
}
