using System.Diagnostics.Metrics;
using ConductorMesh.ServiceDefaults.Telemetry;
using ConductorMesh.Voting.Data;
using Grpc.Core;

namespace ConductorMesh.Voting.Domain;

/// <summary>
/// What operators watch of the vote path: votes accepted, held and refused (by status), each
/// group commit's size and time, and how far the tally is behind the votes.
/// </summary>
public static class VotingMetrics
{
    private static readonly Counter<long> Accepted = MeshTelemetry.Meter.CreateCounter<long>(
        "conductormesh.votes.accepted", "{vote}", "Votes recorded and counted.");

    private static readonly Counter<long> Held = MeshTelemetry.Meter.CreateCounter<long>(
        "conductormesh.votes.held", "{vote}", "Votes recorded and held for an operator's review.");

    private static readonly Counter<long> Refused = MeshTelemetry.Meter.CreateCounter<long>(
        "conductormesh.votes.refused", "{vote}", "Votes refused by the rules (the status says which).");

    private static readonly Histogram<int> BatchSize = MeshTelemetry.Meter.CreateHistogram<int>(
        "conductormesh.vote_batch.size", "{vote}", "Votes committed together in one transaction.");

    private static readonly Histogram<double> CommitTime = MeshTelemetry.Meter.CreateHistogram<double>(
        "conductormesh.vote_batch.commit_time", "ms", "Time to commit one batch of votes.");

    private static double tallyLagSeconds;

    static VotingMetrics() =>
        MeshTelemetry.Meter.CreateObservableGauge("conductormesh.tally.lag", () => Volatile.Read(ref tallyLagSeconds), "s",
            "Age of the oldest uncounted vote when the tally last counted.");

    public static void Batch(IReadOnlyList<VoteResult> results, TimeSpan commit)
    {
        BatchSize.Record(results.Count);
        CommitTime.Record(commit.TotalMilliseconds);
        foreach (var result in results)
        {
            if (result.Code != StatusCode.OK)
            {
                Refused.Add(1, new KeyValuePair<string, object?>("status", result.Code.ToString()));
            }
            else if (result.Held)
            {
                Held.Add(1);
            }
            else
            {
                Accepted.Add(1);
            }
        }
    }

    public static void Tallied(TimeSpan lag) => Volatile.Write(ref tallyLagSeconds, Math.Max(0, lag.TotalSeconds));
}
