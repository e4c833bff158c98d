namespace ConductorMesh.Community.Domain;

/// <summary>The stored names of activity kinds.</summary>
public static class ActivityKinds
{
    public const string IdeaSubmitted = "idea_submitted";
    public const string IdeaApproved = "idea_approved";
    public const string GrantAwarded = "grant_awarded";
    public const string VoteMilestone = "vote_milestone";
    public const string CommentPosted = "comment_posted";
    public const string NewFollower = "new_follower";
}
