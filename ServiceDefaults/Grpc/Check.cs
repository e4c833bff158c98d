using Grpc.Core;

namespace ConductorMesh.ServiceDefaults.Grpc;

/// <summary>Input checks that refuse with INVALID_ARGUMENT and name the field, as every RPC must.</summary>
public static class Check
{
    public static RpcException Invalid(string field, string problem) =>
        new(new Status(StatusCode.InvalidArgument, $"{field}: {problem}"));

    public static RpcException NotFound(string what) => new(new Status(StatusCode.NotFound, what));

    public static RpcException AlreadyExists(string what) => new(new Status(StatusCode.AlreadyExists, what));

    public static RpcException Precondition(string why) => new(new Status(StatusCode.FailedPrecondition, why));

    /// <summary>A required text, trimmed, of <paramref name="min"/> to <paramref name="max"/> characters.</summary>
    public static string Text(string? value, string field, int max, int min = 1)
    {
        var trimmed = (value ?? "").Trim();
        if (trimmed.Length == 0)
        {
            throw Invalid(field, "is required");
        }
        if (trimmed.Length < min)
        {
            throw Invalid(field, $"needs at least {min} characters");
        }
        if (trimmed.Length > max)
        {
            throw Invalid(field, $"is longer than {max} characters");
        }
        if (trimmed.Any(c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t'))
        {
            throw Invalid(field, "contains control characters");
        }
        return trimmed;
    }

    /// <summary>An optional text: empty stays empty, otherwise as <see cref="Text"/>.</summary>
    public static string OptionalText(string? value, string field, int max) =>
        string.IsNullOrWhiteSpace(value) ? "" : Text(value, field, max);

    public static Guid Id(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw Invalid(field, "is required");
        }
        return Guid.TryParse(value.Trim(), out var id) ? id : throw Invalid(field, $"'{Shorten(value)}' is not a valid id");
    }

    /// <summary>An optional id: empty means none.</summary>
    public static Guid? OptionalId(string? value, string field) => string.IsNullOrWhiteSpace(value) ? null : Id(value, field);

    /// <summary>An optional enum filter: unspecified (zero) means none.</summary>
    public static T? OptionalDefined<T>(T value, string field) where T : struct, Enum =>
        Convert.ToInt32(value) == 0 ? null : Defined(value, field);

    public static T Defined<T>(T value, string field) where T : struct, Enum =>
        Enum.IsDefined(value) && Convert.ToInt32(value) != 0
            ? value
            : throw Invalid(field, $"must be one of {string.Join(", ", ProtoNames.AllOf<T>())}");

    /// <summary>An optional moment: unset stays null; one outside what a Timestamp can hold is refused, naming the field.</summary>
    public static DateTime? Time(Google.Protobuf.WellKnownTypes.Timestamp? at, string field)
    {
        if (at is null)
        {
            return null;
        }
        if (at.Nanos is < 0 or > 999_999_999 || at.Seconds is < -62_135_596_800 or > 253_402_300_799)
        {
            throw Invalid(field, "is not a valid time (seconds from 0001-01-01 to 9999-12-31, nanos from 0 to 999,999,999)");
        }
        return at.ToDateTime();
    }

    /// <summary>The fields an update's mask names: at least one, and only among <paramref name="updatable"/>.</summary>
    public static IReadOnlySet<string> Mask(Google.Protobuf.WellKnownTypes.FieldMask? mask, params string[] updatable)
    {
        var paths = mask?.Paths.Select(p => p.Trim()).ToHashSet() ?? [];
        if (paths.Count == 0)
        {
            throw Invalid("update_mask", $"is required: name the fields to change ({string.Join(", ", updatable)})");
        }
        return paths.FirstOrDefault(p => !updatable.Contains(p)) is { } unknown
            ? throw Invalid("update_mask", $"'{unknown}' cannot be changed; these can: {string.Join(", ", updatable)}")
            : paths;
    }

    public static int PageSize(int requested, int fallback = 50, int max = 200) => requested switch
    {
        0 => fallback,
        < 0 => throw Invalid("page_size", "must not be negative"),
        _ when requested > max => throw Invalid("page_size", $"must be at most {max}"),
        _ => requested,
    };

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "...";
}
