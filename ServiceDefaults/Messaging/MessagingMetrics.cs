using ConductorMesh.ServiceDefaults.Telemetry;

namespace ConductorMesh.ServiceDefaults.Messaging;

/// <summary>The outbox backlog and its age as the relay last saw them, and consumers' failures and redeliveries.</summary>
public static class MessagingMetrics
{
    private static long backlog;
    private static long setAside;
    private static double oldestSeconds;

    static MessagingMetrics()
    {
        MeshTelemetry.Meter.CreateObservableGauge("conductormesh.outbox.backlog", () => Interlocked.Read(ref backlog), "{event}",
            "Events committed in the outbox and not yet published to the bus.");
        MeshTelemetry.Meter.CreateObservableGauge("conductormesh.outbox.oldest_age", () => Volatile.Read(ref oldestSeconds), "s",
            "Age of the oldest event waiting in the outbox.");
        MeshTelemetry.Meter.CreateObservableGauge("conductormesh.outbox.set_aside", () => Interlocked.Read(ref setAside), "{event}",
            "Outbox rows that could not be read as events and were set aside for an operator.");
    }

    private static readonly System.Diagnostics.Metrics.Counter<long> ConsumerFailures =
        MeshTelemetry.Meter.CreateCounter<long>("conductormesh.consumer.failures", "{failure}",
            "Events a consumer failed to handle (the bus delivers them again).");

    private static readonly System.Diagnostics.Metrics.Counter<long> Redeliveries =
        MeshTelemetry.Meter.CreateCounter<long>("conductormesh.consumer.redeliveries", "{event}",
            "Events parked for a later delivery after their quick retries failed.");

    private static readonly System.Diagnostics.Metrics.Counter<long> FailuresForGood =
        MeshTelemetry.Meter.CreateCounter<long>("conductormesh.consumer.failed_for_good", "{event}",
            "Events that failed after every redelivery and wait in an _error queue for an operator's replay.");

    public static void OutboxSeen(long waiting, double oldestAgeSeconds, long setAsideRows)
    {
        Interlocked.Exchange(ref backlog, waiting);
        Interlocked.Exchange(ref setAside, setAsideRows);
        Volatile.Write(ref oldestSeconds, oldestAgeSeconds);
    }

    public static void Redelivering(string queue) => Redeliveries.Add(1, new KeyValuePair<string, object?>("queue", queue));

    public static void FailedForGood(string queue) => FailuresForGood.Add(1, new KeyValuePair<string, object?>("queue", queue));

    public static void ConsumerFailed(string consumer) =>
        ConsumerFailures.Add(1, new KeyValuePair<string, object?>("consumer", consumer));
}
