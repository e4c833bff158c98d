using System.Diagnostics;
using ConductorMesh.AppHost.Hosting;
using RabbitMQ.Client;

namespace ConductorMesh.AppHost.Resources;

/// <summary>
/// A private RabbitMQ node: its own node name, ports and folders, so it never meets the
/// machine's default node. Erlang's port mapper (epmd) outlives the broker, so it gets its own
/// port and is stopped after the broker.
/// </summary>
public sealed class RabbitMqBroker(string name, AppHostSettings settings) : ServerResource(name, "RabbitMQ", settings)
{
    private int DistributionPort => Settings.Port($"{Name}-dist");
    private int EpmdPort => Settings.Port($"{Name}-epmd");

    /// <summary>The management HTTP API (queues, depths, rates), on localhost only; the dashboard reads it.</summary>
    public int ManagementPort => Settings.Port($"{Name}-management");

    public string ManagementUrl => $"http://127.0.0.1:{ManagementPort}";

    public override string Endpoint => IsExternal ? "(existing server)" : $"amqp://127.0.0.1:{Port}";

    protected override string LocalConnectionString => $"amqp://guest:guest@127.0.0.1:{Port}";

    protected override async Task PrepareLocalAsync(CancellationToken ct)
    {
        foreach (var folder in new[] { "mnesia", "log", "home" })
        {
            Directory.CreateDirectory(Path.Combine(DataDirectory, folder));
        }
        await File.WriteAllTextAsync(Path.Combine(DataDirectory, "enabled_plugins"), "[rabbitmq_management].\n", ct);
        await File.WriteAllTextAsync(Path.Combine(DataDirectory, "rabbitmq.conf"),
            $"management.tcp.ip = 127.0.0.1\nmanagement.tcp.port = {ManagementPort}\n", ct);
        await GiveToAsync("rabbitmq", DataDirectory);
    }

    protected override ProcessSpec CreateLocalSpec() =>
        new("/usr/lib/rabbitmq/bin/rabbitmq-server", [], DataDirectory)
        {
            RunAs = "rabbitmq",
            Environment =
            {
                ["RABBITMQ_NODENAME"] = $"mesh{Port}@localhost",
                ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
                ["RABBITMQ_NODE_PORT"] = Port.ToString(),
                ["RABBITMQ_DIST_PORT"] = DistributionPort.ToString(),
                ["ERL_EPMD_PORT"] = EpmdPort.ToString(),
                ["ERL_EPMD_ADDRESS"] = "127.0.0.1",
                ["RABBITMQ_MNESIA_BASE"] = Path.Combine(DataDirectory, "mnesia"),
                ["RABBITMQ_LOG_BASE"] = Path.Combine(DataDirectory, "log"),
                ["RABBITMQ_LOGS"] = "-",
                ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(DataDirectory, "enabled_plugins"),
                ["RABBITMQ_CONFIG_FILE"] = Path.Combine(DataDirectory, "rabbitmq.conf"),
                ["RABBITMQ_FEATURE_FLAGS_FILE"] = Path.Combine(DataDirectory, "feature_flags"),
                ["RABBITMQ_PID_FILE"] = Path.Combine(DataDirectory, "rabbitmq.pid"),
                // Run as root, the broker keeps the cookie of the rabbitmq user; otherwise its own.
                ["HOME"] = Native.IsRoot ? "/var/lib/rabbitmq" : Path.Combine(DataDirectory, "home"),
            },
        };

    public override async Task<bool> IsHealthyAsync(CancellationToken ct)
    {
        try
        {
            var factory = new ConnectionFactory { Uri = new Uri(ConnectionString), RequestedConnectionTimeout = TimeSpan.FromSeconds(3) };
            await using var connection = await factory.CreateConnectionAsync(ct);
            return connection.IsOpen;
        }
        catch (Exception e) when (e is RabbitMQ.Client.Exceptions.BrokerUnreachableException or IOException or TimeoutException
            or RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            return false;
        }
    }

    protected override async Task AfterStoppedAsync()
    {
        using var epmd = Process.Start(new ProcessStartInfo("epmd", ["-port", EpmdPort.ToString(), "-kill"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        await epmd.WaitForExitAsync();
    }
}
