using ConductorMesh.AppHost.Operations;
using Microsoft.Extensions.Configuration;
using RabbitMQ.Client;

namespace ConductorMesh.AppHost.Infrastructure;

public static class RabbitMqExtensions
{
    /// <summary>
    /// RabbitMQ from the machine's binaries with its management plugin, and its port mapper
    /// (epmd) as a resource of its own; or the broker <c>ConnectionStrings__{name}</c> names.
    /// Epmd, the broker and its distribution port listen on loopback only.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddMeshRabbitMQ(
        this IDistributedApplicationBuilder builder, string name, LocalState state)
    {
        if (builder.Configuration.GetConnectionString(name) is not null)
        {
            return builder.AddConnectionString(name).AsConnectionString();
        }
        if (Containers.Enabled(builder))
        {
            return builder.AddRabbitMQ(name, port: MeshPorts.Of(builder.Configuration, name)).WithManagementPlugin().WithDataVolume().AsConnectionString();
        }
        var data = state.DataOf(name);
        var epmd = AddEpmd(builder, $"{name}-epmd", data);
        var (command, args) = ServerUser.RunAs("rabbitmq", "/usr/lib/rabbitmq/bin/rabbitmq-server");
        var broker = new LocalRabbitMqResource(name, command, data);
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(broker, (_, ct) => PrepareFoldersAsync(data, ct));
        var port = (string endpoint) => MeshPorts.Of(builder.Configuration, endpoint);
        return builder.AddResource(broker)
            .WithArgs(args)
            .WithEndpoint(LocalRabbitMqResource.EndpointName, e => (e.Port, e.UriScheme) = (port(name), "amqp"))
            .WithEndpoint(LocalRabbitMqResource.DistributionEndpointName, e => (e.Port, e.UriScheme) = (port($"{name}-dist"), "tcp"))
            .WithHttpEndpoint(port: port($"{name}-management"), name: LocalRabbitMqResource.ManagementEndpointName)
            .WithUrlForEndpoint(LocalRabbitMqResource.ManagementEndpointName, u => u.DisplayText = "Management UI (guest/guest)")
            .WithUrlForEndpoint(LocalRabbitMqResource.EndpointName, u => u.DisplayLocation = UrlDisplayLocation.DetailsOnly)
            .WithUrlForEndpoint(LocalRabbitMqResource.DistributionEndpointName, u => u.DisplayLocation = UrlDisplayLocation.DetailsOnly)
            .WithEnvironment(context =>
            {
                var env = context.EnvironmentVariables;
                // Its own epmd keeps the node name apart from any other node on the machine.
                env["RABBITMQ_NODENAME"] = "conductormesh@localhost";
                env["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1";
                env["RABBITMQ_NODE_PORT"] = broker.Endpoint.Property(EndpointProperty.TargetPort);
                env["RABBITMQ_DIST_PORT"] = broker.Distribution.Property(EndpointProperty.TargetPort);
                env["ERL_EPMD_PORT"] = epmd.Resource.GetEndpoint("tcp").Property(EndpointProperty.Port);
                env["ERL_EPMD_ADDRESS"] = "127.0.0.1";
                env["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = ReferenceExpression.Create(
                    $"-kernel inet_dist_use_interface {{127,0,0,1}} -rabbitmq_management tcp_config [{{port,{broker.Management.Property(EndpointProperty.TargetPort)}}},{{ip,\"127.0.0.1\"}}]");
                env["RABBITMQ_MNESIA_BASE"] = Path.Combine(data, "mnesia");
                env["RABBITMQ_LOG_BASE"] = Path.Combine(data, "log");
                env["RABBITMQ_LOGS"] = "-";
                env["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(data, "enabled_plugins");
                env["RABBITMQ_FEATURE_FLAGS_FILE"] = Path.Combine(data, "feature_flags");
                env["RABBITMQ_PID_FILE"] = Path.Combine(data, "rabbitmq.pid");
                // Run as root, the broker keeps the cookie of the rabbitmq user; otherwise its own.
                env["HOME"] = ServerUser.IsRoot ? "/var/lib/rabbitmq" : Path.Combine(data, "home");
            })
            .WaitFor(epmd)
            .WithServerHealthCheck(broker.ConnectionStringExpression, ConnectAsync)
            .WithIconName("Mail")
            .WithRestartOnCrash()
            .AsConnectionString();
    }

    /// <summary>Gives a service the management API's address, for queue depths and rates.</summary>
    public static IResourceBuilder<ServiceResource> WithManagementApiOf(
        this IResourceBuilder<ServiceResource> project, IResourceBuilder<IResourceWithConnectionString> messaging) =>
        messaging.Resource is LocalRabbitMqResource broker
            ? project.WithEnvironment("RabbitMq__ManagementUrl", broker.Management)
            : project;

    private static IResourceBuilder<ExecutableResource> AddEpmd(IDistributedApplicationBuilder builder, string name, string data)
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

    private static async Task PrepareFoldersAsync(string data, CancellationToken ct)
    {
        foreach (var folder in new[] { "mnesia", "log", "home" })
        {
            Directory.CreateDirectory(Path.Combine(data, folder));
        }
        await File.WriteAllTextAsync(Path.Combine(data, "enabled_plugins"), "[rabbitmq_management].\n", ct);
        await ServerUser.GiveAsync("rabbitmq", data, ct);
    }

    private static async Task ConnectAsync(string connectionString, CancellationToken ct)
    {
        var factory = new ConnectionFactory { Uri = new Uri(connectionString), RequestedConnectionTimeout = TimeSpan.FromSeconds(3) };
        await using var connection = await factory.CreateConnectionAsync(ct);
    }
}
