using Google.Protobuf.WellKnownTypes;

namespace ConductorMesh.ServiceDefaults.Grpc;

public static class Timestamps
{
    /// <summary>A moment that may not have happened yet: unset in the message until it has.</summary>
    public static Timestamp? ToTimestamp(this DateTime? at) => at is { } value ? Timestamp.FromDateTime(value) : null;
}
