using System.Reflection;
using ConductorMesh.ServiceDefaults.Messaging;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

public static class MessagingExtensions
{
    /// <summary>
    /// MassTransit on RabbitMQ (<c>ConnectionStrings:messaging</c>, an amqp:// URI), the outbox
    /// relay, and every consumer of <paramref name="consumers"/> on queues prefixed with
    /// <paramref name="queuePrefix"/>, so each service gets its own copy of each event.
    /// </summary>
    public static IHostApplicationBuilder AddMeshMessaging(this IHostApplicationBuilder builder, string queuePrefix, Assembly consumers)
    {
        var connectionString = builder.Configuration.GetConnectionString("messaging")
            ?? throw new InvalidOperationException("ConnectionStrings:messaging is not set.");
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
            x.UsingRabbitMq((context, cfg) =>
            {
                cfg.Host(new Uri(connectionString));
                // A consumer that fails on a passing cause (database restarting) tries again before the error queue.
                cfg.UseMessageRetry(r => r.Exponential(10, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1)));
                cfg.ConfigureEndpoints(context);
            });
        });
        return builder;
    }
}
