namespace ConductorMesh.Contracts;

/// <summary>
/// A fact that happened in one service, published on the bus for the others.
/// <see cref="EventId"/> is the deduplication key of every consumer.
/// </summary>
public abstract record IntegrationEvent
{
    public Guid EventId { get; init; } = Guid.CreateVersion7();

    public DateTimeOffset OccurredAt { get; init; } = DateTimeOffset.UtcNow;
}
