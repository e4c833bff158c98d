using ConductorMesh.ServiceDefaults.Auth;
using Grpc.Net.Client;

namespace ConductorMesh.AppHost.Operations;

public static class OperatorChannel
{
    /// <summary>
    /// A channel to a service whose calls carry <paramref name="token"/> unless a call brings its
    /// own; it opens more HTTP/2 connections when many calls are in flight at once.
    /// </summary>
    public static GrpcChannel To(IResourceBuilder<ServiceResource> service, SelfIssuedToken token) =>
        GrpcChannel.ForAddress(service.GetEndpoint("http").Url, new GrpcChannelOptions
        {
            HttpHandler = new BearerHandler(() => token.Current, new SocketsHttpHandler { EnableMultipleHttp2Connections = true }),
        });
}
