namespace ConductorMesh.Ideas.Domain;

/// <summary>The stored names of an idea's statuses, and which moves between them are allowed.</summary>
public static class IdeaState
{
    public const string Draft = "draft";
    public const string Queued = "queued";
    public const string Submitted = "submitted";
    public const string Approved = "approved";
    public const string Rejected = "rejected";
    public const string Withdrawn = "withdrawn";
    public const string Funded = "funded";
    public const string NotFunded = "not_funded";

    private static readonly Dictionary<string, string[]> Next = new()
    {
        [Draft] = [Submitted, Queued, Withdrawn],
        // A queued idea enters the program's next cycle, or is refused there when that cycle lacks its tier.
        [Queued] = [Submitted, Rejected, Withdrawn],
        [Submitted] = [Approved, Rejected, Withdrawn],
        [Approved] = [Funded, NotFunded, Withdrawn],
    };

    /// <summary>The author may change the text until a moderator has put the idea into the vote.</summary>
    public static readonly string[] Editable = [Draft, Queued, Submitted];

    public static bool CanMove(string from, string to) => Next.TryGetValue(from, out var targets) && targets.Contains(to);

    /// <summary>The statuses an idea must be in for <paramref name="target"/> to follow.</summary>
    public static string[] AllowedBefore(string target) => Next.Where(n => n.Value.Contains(target)).Select(n => n.Key).ToArray();
}
