using ConductorMesh.ServiceDefaults.Grpc;

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

    public static string CommentBody(string? value) => Check.Text(value, "body", 2000);
}
