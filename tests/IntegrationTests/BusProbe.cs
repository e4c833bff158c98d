using System.Collections.Concurrent;
using ConductorMesh.Contracts;
using MassTransit;

namespace ConductorMesh.IntegrationTests;

/// <summary>
/// Listens on the real broker, as an outside consumer would, to every event type of the
/// contracts, so tests can check what each change published.
/// </summary>
public sealed class BusProbe : IAsyncDisposable
{
    private readonly ConcurrentQueue<IntegrationEvent> seen = new();
    private IBusControl? bus;

    public async Task StartAsync(string connectionString)
    {
        var eventTypes = typeof(IntegrationEvent).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(IntegrationEvent)) && !t.IsAbstract);
        bus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(new Uri(connectionString));
            cfg.ReceiveEndpoint($"test-probe-{Guid.NewGuid():N}", e =>
            {
                e.Durable = false;
                e.AutoDelete = true;
                foreach (var type in eventTypes)
                {
                    e.Consumer(typeof(Recorder<>).MakeGenericType(type), t => Activator.CreateInstance(t, seen)!);
                }
            });
        });
        await bus.StartAsync();
    }

    /// <summary>Waits for an event of type <typeparamref name="T"/> that matches.</summary>
    public async Task<T> WaitFor<T>(Func<T, bool> match, string what) where T : IntegrationEvent =>
        (await Eventually.Get(() => Task.FromResult(seen.OfType<T>().FirstOrDefault(match)), e => e is not null, what))!;

    /// <summary>Every event seen so far.</summary>
    public IReadOnlyList<IntegrationEvent> All => seen.ToList();

    /// <summary>The steps of a cycle published so far (CycleOpened to CycleClosed), by their names, in the order they happened.</summary>
    public IReadOnlyList<string> StepsOfCycle(string cycleId) =>
        seen.Where(e => e is CycleOpened or SubmissionsClosed or VotingOpened or VotingClosed or CycleClosed
                        && e.GetType().GetProperty("CycleId")?.GetValue(e) is Guid id && id == Guid.Parse(cycleId))
            .OrderBy(e => e.OccurredAt).Select(e => e.GetType().Name).ToList();

    /// <summary>Every event seen so far that concerns <paramref name="ideaId"/>, in arrival order.</summary>
    public IReadOnlyList<IntegrationEvent> AboutIdea(Guid ideaId) =>
        seen.Where(e => e.GetType().GetProperty("IdeaId")?.GetValue(e) is Guid id && id == ideaId).ToList();

    /// <summary>Publishes an event again, exactly as it was (same event id), as a broker redelivery would.</summary>
    public Task ReplayAsync<T>(T message) where T : class => bus!.Publish(message);

    public async ValueTask DisposeAsync()
    {
        if (bus is not null)
        {
            await bus.StopAsync();
        }
    }

    private sealed class Recorder<T>(ConcurrentQueue<IntegrationEvent> seen) : IConsumer<T> where T : IntegrationEvent
    {
        public Task Consume(ConsumeContext<T> context)
        {
            seen.Enqueue(context.Message);
            return Task.CompletedTask;
        }
    }
}
