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
        // Even locally, the server asks for a password: anyone on the machine could otherwise
        // connect as its superuser. It is made on first start and kept in the state folder.
        var password = builder.AddParameter($"{name}-password", () => state.Secret($"{name}-password"), secret: true);
        var server = new LocalPostgresResource(name, script, data, password.Resource);
        var (command, prefix) = ServerUser.RunAs("postgres", ServerUser.Binary("postgres"));
        List<string> settings = ["listen_addresses=127.0.0.1", $"unix_socket_directories={data}", "max_connections=300"];
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(server, async (_, ct) => await InitializeClusterAsync(cluster, data, (await password.Resource.GetValueAsync(ct))!, ct));
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

    private static async Task InitializeClusterAsync(string cluster, string data, string password, CancellationToken ct)
    {
        if (File.Exists(Path.Combine(cluster, "PG_VERSION")))
        {
            await RequirePasswordAsync(cluster, data, password, ct);
            return;
        }
        Directory.CreateDirectory(cluster);
        // initdb reads the password from a file; it is private, the server user's, and gone after.
        var passwordFile = Path.Combine(data, "initdb-password");
        PrivateFile.Write(passwordFile, password, overwrite: true);
        try
        {
            await ServerUser.GiveAsync("postgres", data, ct);
            await RunAsync("initdb", ServerUser.RunAs("postgres", ServerUser.Binary("initdb"),
                "-D", cluster, "-U", "postgres", "--auth=scram-sha-256", $"--pwfile={passwordFile}", "-E", "UTF8", "--no-instructions"), data, null, ct);
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    /// <summary>
    /// A cluster made before the server asked for a password (trust authentication) gets the
    /// password and password authentication, in single-user mode before the server starts.
    /// </summary>
    private static async Task RequirePasswordAsync(string cluster, string data, string password, CancellationToken ct)
    {
        var hba = Path.Combine(cluster, "pg_hba.conf");
        var rules = await File.ReadAllLinesAsync(hba, ct);
        if (!rules.Any(IsTrust))
        {
            return;
        }
        await RunAsync("setting the password", ServerUser.RunAs("postgres", ServerUser.Binary("postgres"), "--single", "-D", cluster, "postgres"), data,
            $"ALTER ROLE postgres PASSWORD '{password}';\n", ct);
        await File.WriteAllLinesAsync(hba, rules.Select(r => IsTrust(r) ? TrustMethod.Replace(r, "scram-sha-256") : r), ct);
    }

    /// <summary>An authentication rule's method, when it is <c>trust</c> (the last word of the line).</summary>
    private static readonly System.Text.RegularExpressions.Regex TrustMethod = new(@"\btrust\s*$");

    private static bool IsTrust(string rule) => !rule.TrimStart().StartsWith('#') && TrustMethod.IsMatch(rule);

    private static async Task RunAsync(string what, (string Command, string[] Args) run, string workingDirectory, string? input, CancellationToken ct)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(run.Command, run.Args)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        })!;
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
        }
        process.StandardInput.Close();
        var errors = process.StandardError.ReadToEndAsync(ct);
        await process.StandardOutput.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"PostgreSQL: {what} failed: {await errors}");
        }
    }
}
