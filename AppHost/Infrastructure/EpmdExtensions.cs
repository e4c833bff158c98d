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
            // Not behind DCP's proxy: Erlang's epmd client gets no answer through it. A test run
            // beside a running system gives this port a free one (MESH_MESSAGING_EPMD_PORT).
            .WithEndpoint("tcp", e =>
            {
                e.Port = e.TargetPort = MeshPorts.Of(builder.Configuration, name);
                e.IsProxied = false;
                e.UriScheme = "tcp";
            })
            .WithUrlForEndpoint("tcp", u => u.DisplayLocation = UrlDisplayLocation.DetailsOnly)
            .WithArgs(context =>
            {
                context.Args.Add("-port");
                context.Args.Add(epmd.Resource.GetEndpoint("tcp").Property(EndpointProperty.Port));
            })
            .WithEnvironment("ERL_EPMD_ADDRESS", "127.0.0.1")
            .WithIconName("PlugConnected")
            .WithRestartOnCrash();
    }
}
