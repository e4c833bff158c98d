using System.Reflection;
using ConductorMesh.ServiceDefaults.Messaging;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.Hosting;

public static class MessagingExtensions
{
    /// <summary>
    /// MassTransit on RabbitMQ (<c>ConnectionStrings:messaging</c>, an amqp:// URI), the outbox
    /// relay, and every consumer of <paramref name="consumers"/> on queues prefixed with
    /// <paramref name="queuePrefix"/>, so each service gets its own copy of each event. With
    /// <c>Messaging:QuorumQueues</c> (a cluster's setting) every queue is a quorum queue.
    /// </summary>
    public static IHostApplicationBuilder AddMeshMessaging(this IHostApplicationBuilder builder, string queuePrefix, Assembly consumers)
    {
        var connectionString = builder.Configuration.GetConnectionString("messaging")
            ?? throw new InvalidOperationException("ConnectionStrings:messaging is not set.");
        var redelivery = Redelivery.From(builder.Configuration);
        builder.Services.AddSingleton(new BrokerConnection(new Uri(connectionString), $"{queuePrefix}: redelivery"));
        builder.Services.AddHostedService<OutboxRelay>();
        builder.Services.AddHostedService<OutboxRetention>();
        builder.Services.Configure<MassTransitHostOptions>(o =>
        {
            // Start without the broker: the outbox keeps events until it is back.
            o.WaitUntilStarted = false;
            o.StopTimeout = TimeSpan.FromSeconds(10);
        });
        builder.Services.AddMassTransit(x =>
        {
            x.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(queuePrefix, false));
            x.AddConsumers(consumers);
            if (redelivery.Quorum)
            {
                x.AddConfigureEndpointsCallback((_, _, endpoint) =>
                {
                    if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbit)
                    {
                        rabbit.SetQuorumQueue();
                    }
                });
            }
            x.UsingRabbitMq((context, cfg) =>
            {
                cfg.Host(new Uri(connectionString));
                // A consumer that fails tries again at once a few times (a dropped connection), then
                // the event is parked and delivered again later (a database restarting for minutes).
                cfg.UseFilter(new RedeliveryFilter(redelivery, context.GetRequiredService<BrokerConnection>(),
                    context.GetRequiredService<ILoggerFactory>().CreateLogger<RedeliveryFilter>()));
                cfg.UseMessageRetry(r => r.Intervals(200, 1_000, 3_000));
                cfg.ConfigureEndpoints(context);
            });
        });
        return builder;
    }
}
