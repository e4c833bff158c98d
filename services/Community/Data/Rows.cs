namespace ConductorMesh.Community.Data;

public sealed record MemberRow(
    Guid Id, string Handle, string DisplayName, string Bio, string Location, DateTime RegisteredAt, DateTime? SuspendedAt, string? SuspensionReason, long Followers, string Partner);

public sealed record FollowRow(Guid Id, Guid FollowerId, Guid? MemberId, Guid? IdeaId, DateTime FollowedAt);

public sealed record CommentRow(
    Guid Id, Guid IdeaId, Guid? ParentId, Guid AuthorId, string Body, string State, int Depth, string Path, int Reports, DateTime PostedAt, DateTime? EditedAt);

public sealed record ElementsRow(Guid IdeaId, Guid CycleId, long Views, long Shares, long Follows, long Comments, long Audience, long Votes);

/// <summary>An idea as Community knows it.</summary>
public sealed record KnownIdea(Guid IdeaId, Guid CycleId, string AuthorMemberId, string Title);
