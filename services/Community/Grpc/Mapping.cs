using ConductorMesh.Community.Data;
using ConductorMesh.Community.Domain;
using ConductorMesh.Community.V1;
using ConductorMesh.ServiceDefaults.Grpc;
using Google.Protobuf.WellKnownTypes;

namespace ConductorMesh.Community.Grpc;

/// <summary>Database rows as API messages.</summary>
public static class Mapping
{
    public static Member ToProto(this MemberRow m) => new()
    {
        Id = m.Id.ToString(),
        Handle = m.Handle,
        DisplayName = m.DisplayName,
        Bio = m.Bio,
        Location = m.Location,
        RegisteredAt = Timestamp.FromDateTime(m.RegisteredAt),
        SuspendedAt = m.SuspendedAt.ToTimestamp(),
        SuspensionReason = m.SuspensionReason ?? "",
        Followers = m.Followers,
        Partner = m.Partner,
    };

    public static Follow ToProto(this FollowRow f) => new()
    {
        FollowerId = f.FollowerId.ToString(),
        MemberId = f.MemberId?.ToString() ?? "",
        IdeaId = f.IdeaId?.ToString() ?? "",
        FollowedAt = Timestamp.FromDateTime(f.FollowedAt),
    };

    /// <summary>Hidden and deleted comments keep their place in the thread; their text is withheld.</summary>
    public static Comment ToProto(this CommentRow c) => new()
    {
        Id = c.Id.ToString(),
        IdeaId = c.IdeaId.ToString(),
        ParentId = c.ParentId?.ToString() ?? "",
        AuthorId = c.AuthorId.ToString(),
        Body = c.State == CommentsStore.Visible ? c.Body : "",
        State = c.State switch
        {
            CommentsStore.Hidden => CommentState.Hidden,
            CommentsStore.Deleted => CommentState.Deleted,
            _ => CommentState.Visible,
        },
        Depth = c.Depth,
        Reports = c.Reports,
        PostedAt = Timestamp.FromDateTime(c.PostedAt),
        EditedAt = c.EditedAt.ToTimestamp(),
    };

    public static IdeaElements ToProto(this ElementsRow e) => new()
    {
        IdeaId = e.IdeaId.ToString(),
        CycleId = e.CycleId.ToString(),
        Attention = e.Views,
        Awareness = e.Shares,
        Affinity = e.Follows + e.Comments,
        Audience = e.Audience,
        Action = e.Votes,
    };

    public static Activity ToProto(this ActivityRow a) => new()
    {
        Id = a.Id.ToString(),
        Kind = a.Kind switch
        {
            ActivityKinds.IdeaSubmitted => ActivityKind.IdeaSubmitted,
            ActivityKinds.IdeaApproved => ActivityKind.IdeaApproved,
            ActivityKinds.GrantAwarded => ActivityKind.GrantAwarded,
            ActivityKinds.VoteMilestone => ActivityKind.VoteMilestone,
            ActivityKinds.CommentPosted => ActivityKind.CommentPosted,
            ActivityKinds.NewFollower => ActivityKind.NewFollower,
            _ => ActivityKind.Unspecified,
        },
        IdeaId = a.IdeaId?.ToString() ?? "",
        CycleId = a.CycleId?.ToString() ?? "",
        Summary = a.Summary,
        OccurredAt = Timestamp.FromDateTime(a.OccurredAt),
        MemberId = a.MemberId ?? "",
    };
}
