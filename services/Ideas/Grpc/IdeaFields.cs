using ConductorMesh.Ideas.Data;
using ConductorMesh.Ideas.V1;
using ConductorMesh.ServiceDefaults.Grpc;

namespace ConductorMesh.Ideas.Grpc;

/// <summary>The limits of an idea's fields, checked alike on submission and on edit.</summary>
public static class IdeaFields
{
    public const int MaxLinks = 5;

    public static string Title(string value) => Check.Text(value, "title", 120, min: 3);

    public static string Description(string value) => Check.Text(value, "description", 5000);

    public static string Location(string value) => Check.OptionalText(value, "location", 120);

    /// <summary>The filters of a listing or a search, checked; empty or unspecified means any.</summary>
    public static IdeaFilter Filter(string cycleId, string programId, Category category, IdeaStatus status, string tier = "", string author = "") =>
        new(Check.OptionalId(cycleId, "cycle_id"),
            Check.OptionalId(programId, "program_id"),
            Check.OptionalDefined(category, "category")?.ToString(),
            Check.OptionalText(tier, "tier", 20).ToLowerInvariant() is { Length: > 0 } t ? t : null,
            Check.OptionalText(author, "author_member_id", 64) is { Length: > 0 } a ? a : null,
            Check.OptionalDefined(status, "status")?.ToStored());

    /// <summary>Up to <see cref="MaxLinks"/> absolute http(s) links; they are shown to the public, so nothing else is accepted.</summary>
    public static string[] Links(IReadOnlyList<string> links)
    {
        if (links.Count > MaxLinks)
        {
            throw Check.Invalid("links", $"has {links.Count} links; at most {MaxLinks} are allowed");
        }
        return links.Select((link, i) =>
        {
            var text = Check.Text(link, $"links[{i}]", 500);
            return Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
                ? uri.AbsoluteUri
                : throw Check.Invalid($"links[{i}]", "must be an absolute http or https address");
        }).ToArray();
    }
}
