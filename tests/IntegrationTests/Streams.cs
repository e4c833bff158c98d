using Grpc.Core;

namespace ConductorMesh.IntegrationTests;

public static class Streams
{
    /// <summary>Reads a server stream until a message matches, and answers it.</summary>
    public static async Task<T> FirstMatchAsync<T>(this IAsyncStreamReader<T> stream, Func<T, bool> match, CancellationToken ct)
    {
        while (await stream.MoveNext(ct))
        {
            if (match(stream.Current))
            {
                return stream.Current;
            }
        }
        throw new InvalidOperationException("The stream ended before the message awaited came.");
    }
}
