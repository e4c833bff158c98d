using ConductorMesh.Access.V1;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace ConductorMesh.ServiceDefaults.Auth;

/// <summary>One RPC's rule, as its proto's <c>(conductor.access.v1.access)</c> option states it.</summary>
public sealed record RpcAccess(string Method, IReadOnlyList<string> Roles, string MemberField, string ModeratorField)
{
    /// <summary>The member a request acts for; null when the RPC names none.</summary>
    public string? MemberIn(IMessage request) => Named(request, MemberField);

    /// <summary>The moderator a request names; null when the RPC names none.</summary>
    public string? ModeratorIn(IMessage request) => Named(request, ModeratorField);

    private static string? Named(IMessage request, string field) =>
        field.Length == 0 ? null : request.Descriptor.FindFieldByName(field)?.Accessor.GetValue(request) as string;
}

/// <summary>
/// Who may call each RPC of a service, read from the protos, the one place the rules are
/// written. A service with an RPC that has no rule does not start.
/// </summary>
public sealed class AccessRules
{
    private readonly Dictionary<string, RpcAccess> byPath;

    public AccessRules(ServiceDescriptor api) =>
        byPath = api.Methods.Select(Of).ToDictionary(r => $"/{api.FullName}/{r.Method}");

    /// <summary>The rule for a call's path (<c>/package.Service/Method</c>); null for health and reflection, which need no token.</summary>
    public RpcAccess? For(string path) => byPath.GetValueOrDefault(path);

    public static RpcAccess Of(MethodDescriptor method)
    {
        var access = method.GetOptions()?.GetExtension(AccessExtensions.Access)
            ?? throw new InvalidOperationException($"{method.FullName} has no (conductor.access.v1.access) option; every RPC must say who may call it.");
        if (access.Roles.Count == 0)
        {
            throw new InvalidOperationException($"{method.FullName} allows no role.");
        }
        return new RpcAccess(method.Name, access.Roles.Select(ClaimOf).ToList(), access.MemberField, access.ModeratorField);
    }

    /// <summary>The <c>role</c> claim for a proto role: ROLE_PARTNER is "partner".</summary>
    public static string ClaimOf(Role role) => role switch
    {
        Role.Member => MeshClaims.Roles.Member,
        Role.Partner => MeshClaims.Roles.Partner,
        Role.Moderator => MeshClaims.Roles.Moderator,
        Role.Operator => MeshClaims.Roles.Operator,
        Role.Service => MeshClaims.Roles.Service,
        _ => throw new InvalidOperationException($"Role {role} cannot be granted."),
    };
}
