using ConductorMesh.AppHost.Operations;

namespace ConductorMesh.AppHost.Infrastructure;

public static class PostgresExtensions
{
    /// <summary>
    /// PostgreSQL from the machine's binaries, its data in the state folder, or the existing server
    /// that <c>ConnectionStrings__{name}</c> names.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddMeshPostgres(
        this IDistributedApplicationBuilder builder, string name, LocalState state) =>
        builder.AddServer(name,
            container: () => builder.AddPostgres(name, port: MeshPorts.Of(builder.Configuration, name))
                .WithDataVolume().AsConnectionString(),
            local: () => AddLocalPostgres(builder, name, state));

    private static IResourceBuilder<IResourceWithConnectionString> AddLocalPostgres(
        IDistributedApplicationBuilder builder, string name, LocalState state)
    {
        var data = state.DataOf(name);
        var cluster = Path.Combine(data, "data");
        var script = Path.Combine(AppContext.BaseDirectory, "Infrastructure", "postgres-fast-stop.sh");
        var server = new LocalPostgresResource(name, script, data);
        var (command, prefix) = ServerUser.RunAs("postgres", ServerUser.Binary("postgres"));
        List<string> settings = ["listen_addresses=127.0.0.1", $"unix_socket_directories={data}", "max_connections=300"];
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(server, (_, ct) => InitializeClusterAsync(cluster, data, ct));
        return builder.AddResource(server)
            .WithEndpoint(LocalPostgresResource.EndpointName, e => e.Direct(MeshPorts.Of(builder.Configuration, name)).UriScheme = "tcp")
            .WithArgs(context =>
            {
                context.Args.Add(cluster);
                context.Args.Add(command);
                prefix.ToList().ForEach(context.Args.Add);
                context.Args.Add("-D");
                context.Args.Add(cluster);
                context.Args.Add("-p");
                context.Args.Add(server.Endpoint.Property(EndpointProperty.TargetPort));
                foreach (var setting in settings)
                {
                    context.Args.Add("-c");
                    context.Args.Add(setting);
                }
            })
            .WithServerHealthCheck(server.ConnectionStringExpression, PostgresProbe.CanConnectAsync)
            .WithIconName("Database")
            .WithRestartOnCrash()
            .AsConnectionString();
    }

    private static async Task InitializeClusterAsync(string cluster, string data, CancellationToken ct)
    {
        if (File.Exists(Path.Combine(cluster, "PG_VERSION")))
        {
            return;
        }
        Directory.CreateDirectory(cluster);
        await ServerUser.GiveAsync("postgres", data, ct);
        var (command, args) = ServerUser.RunAs("postgres", ServerUser.Binary("initdb"),
            "-D", cluster, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-instructions");
        using var initdb = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(command, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = data,
        })!;
        var errors = initdb.StandardError.ReadToEndAsync(ct);
        await initdb.StandardOutput.ReadToEndAsync(ct);
        await initdb.WaitForExitAsync(ct);
        if (initdb.ExitCode != 0)
        {
            throw new InvalidOperationException($"initdb failed: {await errors}");
        }
    }
}
