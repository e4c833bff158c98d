using ConductorMesh.ServiceDefaults.Auth;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

public static class GrpcClientExtensions
{
    /// <summary>
    /// A client of another ConductorMesh service, found by service discovery: each call carries
    /// this service's own token, and a call made while serving a caller inherits the caller's
    /// deadline and cancellation.
    /// </summary>
    public static IHttpClientBuilder AddMeshGrpcClient<TClient>(this IServiceCollection services, string service) where TClient : class =>
        services.AddGrpcClient<TClient>(o => o.Address = new Uri($"http://{service}"))
            .AddHttpMessageHandler(sp => new BearerHandler(() => sp.GetRequiredService<ServiceCredential>().Current))
            .EnableCallContextPropagation(o => o.SuppressContextNotFoundErrors = true);
}
