using Grpc.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace ConductorMesh.Bench;

/// <summary>The baseline server: ASP.NET Core gRPC over h2c, like the services, doing no work.</summary>
public sealed class EchoServer : Echo.EchoBase
{
    public override Task<EchoMessage> Say(EchoMessage request, ServerCallContext context) => Task.FromResult(request);

    public static async Task<WebApplication> StartAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.ListenLocalhost(port, o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        var app = builder.Build();
        app.MapGrpcService<EchoServer>();
        await app.StartAsync();
        return app;
    }
}
