using System.Text;
using RabbitMQ.Client;

namespace ConductorMesh.IntegrationTests;

/// <summary>
/// A queue of the test's own, bound to one fanout exchange of the broker: a copy of every message
/// published to that exchange from now on, whoever else consumes it. Gone when disposed.
/// </summary>
public sealed class BrokerTap : IAsyncDisposable
{
    private readonly IConnection connection;
    private readonly IChannel channel;
    private readonly string queue;

    private BrokerTap(IConnection connection, IChannel channel, string queue) => (this.connection, this.channel, this.queue) = (connection, channel, queue);

    /// <summary>Taps <paramref name="exchange"/> (declared as the services declare it, durable fanout, if it does not exist yet).</summary>
    public static async Task<BrokerTap> OpenAsync(MeshFixture mesh, string exchange)
    {
        var connection = await new ConnectionFactory { Uri = new Uri(await mesh.ConnectionStringAsync("messaging")) }.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
        var queue = (await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true)).QueueName;
        await channel.QueueBindAsync(queue, exchange, "");
        return new BrokerTap(connection, channel, queue);
    }

    /// <summary>The bodies of the messages in the tap so far, taken off it.</summary>
    public async Task<List<string>> TakeAllAsync()
    {
        var bodies = new List<string>();
        while (await channel.BasicGetAsync(queue, autoAck: true) is { } message)
        {
            bodies.Add(Encoding.UTF8.GetString(message.Body.Span));
        }
        return bodies;
    }

    public async ValueTask DisposeAsync()
    {
        await channel.DisposeAsync();
        await connection.DisposeAsync();
    }
}
