using MassTransit;
using Microsoft.Extensions.Logging;

namespace ConductorMesh.ServiceDefaults.Messaging;

/// <summary>
/// Around every consumer, outside its quick retries: an event whose handling still fails is
/// parked for a later delivery (<see cref="Redelivery"/>) and acknowledged; once every delay is
/// spent, the failure goes on to MassTransit, which moves the event to the consumer's
/// <c>_error</c> queue with the fault.
/// </summary>
public sealed class RedeliveryFilter(Redelivery redelivery, BrokerConnection broker, ILogger logger) : IFilter<ConsumeContext>
{
    public async Task Send(ConsumeContext context, IPipe<ConsumeContext> next)
    {
        try
        {
            await next.Send(context);
        }
        catch (Exception e) when (!context.CancellationToken.IsCancellationRequested
                                  && context.ReceiveContext.TryGetPayload<RabbitMqBasicConsumeContext>(out var delivery))
        {
            var queue = context.ReceiveContext.InputAddress.AbsolutePath.Split('/')[^1];
            var delay = await redelivery.ParkAsync(broker, delivery.Properties, context.ReceiveContext.Body.GetBytes(), queue,
                $"{e.GetType().Name}: {e.Message}", context.CancellationToken);
            if (delay is null)
            {
                MessagingMetrics.FailedForGood(queue);
                logger.LogError("An event on {Queue} failed after every redelivery; it waits in {Queue}_error for an operator: {Message}",
                    queue, queue, e.Message);
                throw;
            }
            MessagingMetrics.Redelivering(queue);
            logger.LogWarning("An event on {Queue} failed and comes back in {Delay}: {Message}", queue, delay, e.Message);
        }
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("mesh-redelivery");
}
