using System.Net.Sockets;
using System.Text;
using ConductorMesh.AppHost.Hosting;

namespace ConductorMesh.AppHost.Resources;

/// <summary>Redis, the home of the live leaderboards (a cache: what it loses is rebuilt from PostgreSQL).</summary>
public sealed class RedisServer(string name, AppHostSettings settings) : ServerResource(name, "Redis", settings)
{
    public override string Endpoint => IsExternal ? "(existing server)" : $"tcp://127.0.0.1:{Port}";

    protected override string LocalConnectionString => $"127.0.0.1:{Port}";

    protected override Task PrepareLocalAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(DataDirectory);
        return Task.CompletedTask;
    }

    protected override ProcessSpec CreateLocalSpec() =>
        new("redis-server", ["--port", Port.ToString(), "--bind", "127.0.0.1", "--dir", DataDirectory, "--save", "", "--appendonly", "no"], DataDirectory);

    public override async Task<bool> IsHealthyAsync(CancellationToken ct)
    {
        var endpoint = ConnectionString.Split(',')[0].Split(':');
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(endpoint[0], int.Parse(endpoint[1]), ct);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), ct);
            var buffer = new byte[64];
            var read = await stream.ReadAsync(buffer, ct);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            return false;
        }
    }
}
