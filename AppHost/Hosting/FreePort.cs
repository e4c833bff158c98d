using System.Net;
using System.Net.Sockets;

namespace ConductorMesh.AppHost.Hosting;

public static class FreePort
{
    /// <summary>A port nothing listens on right now, chosen by the kernel.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Whether something already listens on the port (another ConductorMesh, say): then a server started on it would only crash.</summary>
    public static bool IsListening(int port)
    {
        using var client = new TcpClient();
        try
        {
            return client.ConnectAsync(IPAddress.Loopback, port).Wait(TimeSpan.FromMilliseconds(500)) && client.Connected;
        }
        catch (AggregateException)
        {
            return false;
        }
    }
}
