namespace ConductorMesh.Contracts;

/// <summary>A person joined the community, registered by <see cref="Partner"/> (empty: by an operator, for no partner).</summary>
public sealed record MemberRegistered(Guid MemberId, string Handle, string DisplayName, string Partner = "") : IntegrationEvent;

/// <summary><see cref="FollowerId"/> started following <see cref="MemberId"/>.</summary>
public sealed record MemberFollowed(Guid FollowerId, Guid MemberId) : IntegrationEvent;

/// <summary><see cref="FollowerId"/> started following an idea.</summary>
public sealed record IdeaFollowed(Guid FollowerId, Guid IdeaId) : IntegrationEvent;

/// <summary>A comment on an idea, or a reply (<see cref="ParentId"/>) to one. The text stays in Community.</summary>
public sealed record CommentPosted(Guid CommentId, Guid IdeaId, Guid? ParentId, Guid AuthorId) : IntegrationEvent;

/// <summary>A comment was hidden: by <c>reports</c> from members, or by a moderator (<see cref="HiddenBy"/>).</summary>
public sealed record CommentHidden(Guid CommentId, Guid IdeaId, string HiddenBy, string Reason) : IntegrationEvent;

/// <summary>An idea was shared on a channel (<c>Email</c>, <c>Social</c>, <c>Sms</c>, <c>Link</c>, <c>Embed</c>), by a member or a visitor (no member).</summary>
public sealed record IdeaShared(Guid IdeaId, Guid? MemberId, string Channel) : IntegrationEvent;
