using System.Reflection;
using Google.Protobuf.Reflection;

namespace ConductorMesh.ServiceDefaults.Grpc;

/// <summary>
/// An enum value as the proto names it (<c>CATEGORY_HEALTH</c>, not <c>Health</c>): the names
/// partners send, so the ones our messages must use.
/// </summary>
public static class ProtoNames
{
    public static string Of<T>(T value) where T : struct, Enum =>
        typeof(T).GetField(value.ToString())?.GetCustomAttribute<OriginalNameAttribute>()?.Name ?? value.ToString();

    /// <summary>Every value but the unspecified zero, as the proto names them.</summary>
    public static IEnumerable<string> AllOf<T>() where T : struct, Enum =>
        Enum.GetValues<T>().Where(v => Convert.ToInt32(v) != 0).Select(Of);
}
