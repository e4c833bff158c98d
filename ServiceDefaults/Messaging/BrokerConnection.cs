using RabbitMQ.Client;

namespace ConductorMesh.ServiceDefaults.Messaging;

/// <summary>
/// A plain AMQP connection to the broker, beside MassTransit's own, for what MassTransit has no
/// verb for: parking a failed event in a wait queue, and moving failed events back for a replay.
/// Opened on first use, so a service starts while the broker is down.
/// </summary>
public sealed class BrokerConnection(Uri address, string clientName) : IAsyncDisposable
{
    private readonly SemaphoreSlim opening = new(1, 1);
    private IConnection? connection;

    /// <summary>A channel whose publishes return only once the broker has confirmed them.</summary>
    public async Task<IChannel> OpenChannelAsync(CancellationToken ct)
    {
        var open = connection;
        if (open is not { IsOpen: true })
        {
            await opening.WaitAsync(ct);
            try
            {
                if (connection is not { IsOpen: true })
                {
                    if (connection is not null)
                    {
                        await connection.DisposeAsync();
                    }
                    connection = await new ConnectionFactory { Uri = address, ClientProvidedName = clientName }.CreateConnectionAsync(ct);
                }
                open = connection;
            }
            finally
            {
                opening.Release();
            }
        }
        return await open.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (connection is not null)
        {
            await connection.DisposeAsync();
        }
    }
}
