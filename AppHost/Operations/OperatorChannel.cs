using ConductorMesh.ServiceDefaults.Auth;
using Grpc.Net.Client;

namespace ConductorMesh.AppHost.Operations;

public static class OperatorChannel
{
    /// <summary>A channel to one of the services, its calls carrying <paramref name="token"/>.</summary>
    public static GrpcChannel To(IResourceBuilder<ServiceResource> service, SelfIssuedToken token) =>
        BearerChannel.To(new Uri(service.GetEndpoint("http").Url), () => token.Current);
}
