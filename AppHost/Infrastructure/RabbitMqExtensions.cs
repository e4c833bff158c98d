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
        // Its own user with a generated password instead of guest/guest, kept in the state folder.
        var password = builder.AddParameter($"{name}-password", () => state.Secret($"{name}-password"), secret: true);
        var broker = new LocalRabbitMqResource(name, command, data, password.Resource);
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(broker, async (_, ct) => await PrepareFoldersAsync(data, (await password.Resource.GetValueAsync(ct))!, ct));
        builder.Eventing.Subscribe<ResourceReadyEvent>(broker, async (_, ct) => await RemoveGuestAsync(broker, ct));
        var port = (string endpoint) => MeshPorts.Of(builder.Configuration, endpoint);
        return builder.AddResource(broker)
            .WithArgs(args)
            .WithEndpoint(LocalRabbitMqResource.EndpointName, e => e.Direct(port(name)).UriScheme = "amqp")
            .WithEndpoint(LocalRabbitMqResource.DistributionEndpointName, e => e.Direct(port($"{name}-dist")).UriScheme = "tcp")
            .WithEndpoint(LocalRabbitMqResource.ManagementEndpointName, e => e.Direct(port($"{name}-management")).UriScheme = "http")
            .WithUrlForEndpoint(LocalRabbitMqResource.ManagementEndpointName, u => u.DisplayText = $"Management UI (user {LocalRabbitMqResource.User}, password in .mesh/secrets/{name}-password)")
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
        env["RABBITMQ_CONFIG_FILE"] = Path.Combine(data, "rabbitmq.conf");
        // Run as root, the broker keeps the cookie of the rabbitmq user; otherwise its own.
        env["HOME"] = ServerUser.IsRoot ? "/var/lib/rabbitmq" : Path.Combine(data, "home");
    }

    private static async Task PrepareFoldersAsync(string data, string password, CancellationToken ct)
    {
        foreach (var folder in new[] { "mnesia", "log", "home" })
        {
            Directory.CreateDirectory(Path.Combine(data, folder));
        }
        await File.WriteAllTextAsync(Path.Combine(data, "enabled_plugins"), "[rabbitmq_management].\n", ct);
        // A new node is made with our user as its default (so no guest), and every start imports
        // the user again, so a node made before also has it (and loses guest: RemoveGuestAsync).
        var definitions = Path.Combine(data, "definitions.json");
        PrivateFile.Write(Path.Combine(data, "rabbitmq.conf"),
            $"default_user = {LocalRabbitMqResource.User}\ndefault_pass = {password}\nload_definitions = {definitions}\n", overwrite: true);
        PrivateFile.Write(definitions, System.Text.Json.JsonSerializer.Serialize(new
        {
            users = new[] { new { name = LocalRabbitMqResource.User, password_hash = PasswordHash(password), hashing_algorithm = "rabbit_password_hashing_sha256", tags = new[] { "administrator" } } },
            vhosts = new[] { new { name = "/" } },
            permissions = new[] { new { user = LocalRabbitMqResource.User, vhost = "/", configure = ".*", write = ".*", read = ".*" } },
        }), overwrite: true);
        await ServerUser.GiveAsync("rabbitmq", data, ct);
    }

    /// <summary>
    /// A node made before it had a user of its own was made with guest, which definitions only ever
    /// add to; the management API deletes it (404 once it is gone, as on every node made since).
    /// </summary>
    private static async Task RemoveGuestAsync(LocalRabbitMqResource broker, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = new Uri(broker.Management.Url) };
        var login = $"{LocalRabbitMqResource.User}:{await broker.Password.GetValueAsync(ct)}";
        http.DefaultRequestHeaders.Authorization = new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(login)));
        using var response = await http.DeleteAsync("api/users/guest", ct);
        if (response.StatusCode != System.Net.HttpStatusCode.NotFound)
        {
            response.EnsureSuccessStatusCode();
        }
    }

    /// <summary>RabbitMQ's SHA-256 password hash: a 4-byte salt, then SHA-256 of the salt and the password, in base64.</summary>
    private static string PasswordHash(string password)
    {
        var salt = System.Security.Cryptography.RandomNumberGenerator.GetBytes(4);
        return Convert.ToBase64String([.. salt, .. System.Security.Cryptography.SHA256.HashData([.. salt, .. System.Text.Encoding.UTF8.GetBytes(password)])]);
    }

    private static async Task ConnectAsync(string connectionString, CancellationToken ct)
    {
        var factory = new ConnectionFactory { Uri = new Uri(connectionString), RequestedConnectionTimeout = TimeSpan.FromSeconds(3) };
        await using var connection = await factory.CreateConnectionAsync(ct);
    }
}
