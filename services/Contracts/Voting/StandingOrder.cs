namespace ConductorMesh.Contracts;

/// <summary>
/// The one order of ideas by votes, shared by the live leaderboards and the awards, so a board
/// never shows an idea as "in" that the close will not fund. Most votes first; between equal
/// counts, the idea whose last counted vote came earlier (it reached the count first); then the
/// greater id, compared as text.
///
/// The boards are Redis sorted sets, ordered by a double score and then by member text, so the
/// tie is carried in the score's fraction: the earlier the last vote, the larger the fraction.
/// Both sides compute the same double from the same inputs, so they agree exactly, even where the
/// fraction's precision runs out (milliseconds for counts in the thousands, seconds in the
/// millions): there the id decides on both.
/// </summary>
public static class StandingOrder
{
    // 2^45 ms is about 1,100 years: every last vote's time since 1970 is a fraction below 1 of it.
    private const double Span = 35_184_372_088_832d;

    /// <summary>
    /// The board score: the votes, plus a fraction in (0, 0.5] that is larger for an earlier last
    /// vote. Kept to half of one so that rounding never carries it into the next count.
    /// </summary>
    public static double Score(long votes, DateTime lastVoteAt)
    {
        var ms = Math.Floor((lastVoteAt.ToUniversalTime() - DateTime.UnixEpoch).TotalMilliseconds);
        return votes + 0.5 * (1 - Math.Clamp(ms, 0, Span - 1) / Span);
    }

    /// <summary>The votes a score stands for.</summary>
    public static long Votes(double score) => (long)Math.Floor(score);

    /// <summary>Ranks items as the boards do.</summary>
    public static IOrderedEnumerable<T> Ranked<T>(IEnumerable<T> items, Func<T, long> votes, Func<T, DateTime> lastVoteAt, Func<T, Guid> id) =>
        items.OrderByDescending(i => Score(votes(i), lastVoteAt(i))).ThenByDescending(i => id(i).ToString(), StringComparer.Ordinal);
}
