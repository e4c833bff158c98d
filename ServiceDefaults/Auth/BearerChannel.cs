using Grpc.Net.Client;

namespace ConductorMesh.ServiceDefaults.Auth;

public static class BearerChannel
{
    /// <summary>
    /// A channel to a service whose calls carry <paramref name="token"/> unless a call brings its
    /// own; it opens more HTTP/2 connections when many calls are in flight at once. For the
    /// AppHost's commands and demo, the tests and the benchmark.
    /// </summary>
    public static GrpcChannel To(Uri address, Func<string> token) =>
        GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = new BearerHandler(token, new SocketsHttpHandler { EnableMultipleHttp2Connections = true }),
        });
}
