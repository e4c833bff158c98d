using System.Security.Claims;
using Grpc.Core;

namespace ConductorMesh.ServiceDefaults.Auth;

/// <summary>
/// Who a call comes from, as its checked token says: the role, the member or moderator it acts
/// as (<c>sub</c>) and its partner. All nulls for a call without a valid token.
/// </summary>
public sealed record MeshCaller(string? Role, string? Member, string? Partner)
{
    public static MeshCaller Of(ClaimsPrincipal user) =>
        new(user.FindFirst(MeshClaims.Role)?.Value, user.FindFirst(MeshClaims.Member)?.Value, user.FindFirst(MeshClaims.Partner)?.Value);

    public static MeshCaller Of(ServerCallContext context) => Of(context.GetHttpContext().User);

    /// <summary>
    /// The name the limits count this caller under (<see cref="MeshRateLimiter"/>, <see cref="StreamLimits"/>):
    /// a partner token's partner, for all its members together; otherwise its role and subject
    /// (<c>member m-1</c>, <c>operator console</c>). Null for a call without a valid token.
    /// </summary>
    public string? LimitKey => this switch
    {
        { Role: MeshClaims.Roles.Partner, Partner: { } partner } => $"partner {partner}",
        { Role: MeshClaims.Roles.Member } => MemberKey(Member),
        { Role: { } role } => $"{role} {Member}",
        _ => null,
    };

    /// <summary>A member's limit key, the same whether the member calls with its own token or a partner acts for it.</summary>
    public static string MemberKey(string? member) => $"{MeshClaims.Roles.Member} {member}";
}
