namespace ConductorMesh.Ideas.Domain;

/// <summary>The stored names of an idea's statuses, and which moves between them are allowed.</summary>
public static class IdeaState
{
    public const string Submitted = "submitted";
    public const string Approved = "approved";
    public const string Rejected = "rejected";
    public const string Funded = "funded";
    public const string NotFunded = "not_funded";

    /// <summary>The statuses an idea must be in for <paramref name="target"/> to follow.</summary>
    public static string[] AllowedBefore(string target) => target switch
    {
        Approved or Rejected => [Submitted],
        Funded or NotFunded => [Approved],
        _ => [],
    };
}
