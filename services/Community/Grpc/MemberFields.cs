using ConductorMesh.ServiceDefaults.Auth;
using ConductorMesh.ServiceDefaults.Grpc;
using Grpc.Core;

namespace ConductorMesh.Community.Grpc;

/// <summary>What a member's fields may hold; the same for registering and for changes.</summary>
public static class MemberFields
{
    public static string Handle(string? value)
    {
        var handle = Check.Text(value, "handle", 30, min: 3);
        return handle.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-')
            ? handle
            : throw Check.Invalid("handle", "may hold only letters, digits, '_' and '-'");
    }

    public static string DisplayName(string? value) => Check.Text(value, "display_name", 80);

    public static string Bio(string? value) => Check.OptionalText(value, "bio", 500);

    public static string Location(string? value) => Check.OptionalText(value, "location", 120);

    /// <summary>The partner a new member belongs to: a partner token's own; an operator names it (or none).</summary>
    public static string Partner(string? value, ServerCallContext context)
    {
        var named = Check.OptionalText(value, "partner", 64);
        if (MeshCaller.Of(context) is not { Role: MeshClaims.Roles.Partner, Partner: { } caller })
        {
            return named;
        }
        return named.Length == 0 || named == caller
            ? caller
            : throw new RpcException(new Status(StatusCode.PermissionDenied, $"Partner '{caller}' registers members for itself only, not for partner '{named}'."));
    }

    public static string CommentBody(string? value) => Check.Text(value, "body", 2000);
}
