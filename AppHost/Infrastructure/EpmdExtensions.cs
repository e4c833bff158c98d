using ConductorMesh.AppHost.Operations;

namespace ConductorMesh.AppHost.Infrastructure;

public static class EpmdExtensions
{
    /// <summary>
    /// Erlang's port mapper as a foreground resource of its own, on loopback: run by RabbitMQ, it
    /// would daemonize and outlive the broker.
    /// </summary>
    public static IResourceBuilder<ExecutableResource> AddEpmd(this IDistributedApplicationBuilder builder, string name, string data)
    {
        var epmd = builder.AddExecutable(name, ServerUser.Binary("epmd"), data);
        return epmd
            // Erlang's epmd client gets no answer through DCP's proxy anyway.
            .WithEndpoint("tcp", e => e.Direct(MeshPorts.Of(builder.Configuration, name)).UriScheme = "tcp")
            .WithUrlForEndpoint("tcp", u => u.DisplayLocation = UrlDisplayLocation.DetailsOnly)
            .WithArgs(context =>
            {
                context.Args.Add("-port");
                context.Args.Add(epmd.Resource.GetEndpoint("tcp").Property(EndpointProperty.Port));
            })
            .WithEnvironment("ERL_EPMD_ADDRESS", "127.0.0.1")
            // RabbitMQ waits until epmd answers: started earlier, it would spawn a daemon epmd of its
            // own on this port, which outlives everything and keeps ours from binding.
            .WithServerHealthCheck(
                ReferenceExpression.Create($"{epmd.Resource.GetEndpoint("tcp").Property(EndpointProperty.Port)}"), AnswersAsync)
            .WithIconName("PlugConnected")
            .WithRestartOnCrash();
    }

    /// <summary>Epmd answers a NAMES request (0, 1, 'n') with its own port number first.</summary>
    private static async Task AnswersAsync(string port, CancellationToken ct)
    {
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(System.Net.IPAddress.Loopback, int.Parse(port), ct);
        var stream = client.GetStream();
        await stream.WriteAsync(new byte[] { 0, 1, (byte)'n' }, ct);
        var reply = new byte[4];
        await stream.ReadExactlyAsync(reply, ct);
    }
}
