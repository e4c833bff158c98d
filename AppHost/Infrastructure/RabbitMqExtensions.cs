using ConductorMesh.AppHost.Operations;
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
        this IDistributedApplicationBuilder builder, string name, LocalState state) =>
        builder.AddServer(name,
            container: () => builder.AddRabbitMQ(name, port: MeshPorts.Of(builder.Configuration, name))
                .WithManagementPlugin().WithDataVolume().AsConnectionString(),
            local: () => AddLocalRabbitMQ(builder, name, state));

    /// <summary>Gives a service the management API's address, for queue depths and rates.</summary>
    public static IResourceBuilder<ServiceResource> WithManagementApiOf(
        this IResourceBuilder<ServiceResource> project, IResourceBuilder<IResourceWithConnectionString> messaging) =>
        messaging.Resource is LocalRabbitMqResource broker
            ? project.WithEnvironment("RabbitMq__ManagementUrl", broker.Management)
            : project;

    private static IResourceBuilder<IResourceWithConnectionString> AddLocalRabbitMQ(
        IDistributedApplicationBuilder builder, string name, LocalState state)
    {
        var data = state.DataOf(name);
        var epmd = builder.AddEpmd($"{name}-epmd", data);
        var (command, args) = ServerUser.RunAs("rabbitmq", "/usr/lib/rabbitmq/bin/rabbitmq-server");
        var broker = new LocalRabbitMqResource(name, command, data);
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(broker, (_, ct) => PrepareFoldersAsync(data, ct));
        var port = (string endpoint) => MeshPorts.Of(builder.Configuration, endpoint);
        return builder.AddResource(broker)
            .WithArgs(args)
            .WithEndpoint(LocalRabbitMqResource.EndpointName, e => e.Direct(port(name)).UriScheme = "amqp")
            .WithEndpoint(LocalRabbitMqResource.DistributionEndpointName, e => e.Direct(port($"{name}-dist")).UriScheme = "tcp")
            .WithEndpoint(LocalRabbitMqResource.ManagementEndpointName, e => e.Direct(port($"{name}-management")).UriScheme = "http")
            .WithUrlForEndpoint(LocalRabbitMqResource.ManagementEndpointName, u => u.DisplayText = "Management UI (guest/guest)")
            .WithUrlForEndpoint(LocalRabbitMqResource.EndpointName, u => u.DisplayLocation = UrlDisplayLocation.DetailsOnly)
            .WithUrlForEndpoint(LocalRabbitMqResource.DistributionEndpointName, u => u.DisplayLocation = UrlDisplayLocation.DetailsOnly)
            .WithEnvironment(context => SetEnvironment(context.EnvironmentVariables, broker, epmd.Resource, data))
            .WaitFor(epmd)
            .WithServerHealthCheck(broker.ConnectionStringExpression, ConnectAsync)
            .WithIconName("Mail")
            .WithRestartOnCrash()
            .AsConnectionString();
    }

    /// <summary>A private node: its own name, ports, epmd and folders, so it never meets the machine's default node.</summary>
    private static void SetEnvironment(Dictionary<string, object> env, LocalRabbitMqResource broker, ExecutableResource epmd, string data)
    {
        var management = broker.Management.Property(EndpointProperty.TargetPort);
        // Its own epmd keeps the node name apart from any other node on the machine.
        env["RABBITMQ_NODENAME"] = "conductormesh@localhost";
        env["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1";
        env["RABBITMQ_NODE_PORT"] = broker.Endpoint.Property(EndpointProperty.TargetPort);
        env["RABBITMQ_DIST_PORT"] = broker.Distribution.Property(EndpointProperty.TargetPort);
        env["ERL_EPMD_PORT"] = epmd.GetEndpoint("tcp").Property(EndpointProperty.Port);
        env["ERL_EPMD_ADDRESS"] = "127.0.0.1";
        // Erlang's schedulers spin while they wait for work (+sbwt): on a few shared cores that is
        // most of an idle broker's CPU, taken from the services; without it they sleep at once.
        env["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = ReferenceExpression.Create(
            $"+sbwt none +sbwtdcpu none +sbwtdio none -kernel inet_dist_use_interface {{127,0,0,1}} -rabbitmq_management tcp_config [{{port,{management}}},{{ip,\"127.0.0.1\"}}]");
        env["RABBITMQ_MNESIA_BASE"] = Path.Combine(data, "mnesia");
        env["RABBITMQ_LOG_BASE"] = Path.Combine(data, "log");
        env["RABBITMQ_LOGS"] = "-";
        env["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(data, "enabled_plugins");
        env["RABBITMQ_FEATURE_FLAGS_FILE"] = Path.Combine(data, "feature_flags");
        env["RABBITMQ_PID_FILE"] = Path.Combine(data, "rabbitmq.pid");
        // Run as root, the broker keeps the cookie of the rabbitmq user; otherwise its own.
        env["HOME"] = ServerUser.IsRoot ? "/var/lib/rabbitmq" : Path.Combine(data, "home");
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
