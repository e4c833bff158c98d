using System.Diagnostics;
using OpenTelemetry.Trace;

namespace ConductorMesh.ServiceDefaults.Telemetry;

/// <summary>
/// Records at most <c>perSecond</c> new traces a second (a token bucket), and drops
/// the rest before any span is made. A quiet system keeps every trace; under a burst of votes the
/// dashboard gets a steady sample rather than one trace per vote, which cost more CPU than the
/// votes themselves (docs/benchmarks.md).
/// </summary>
public sealed class RateLimitedSampler(double perSecond) : Sampler
{
    // A lock-free token bucket (GCRA): the time by which every trace allowed so far has "paid"
    // its interval; a new one is allowed while that stays within the burst of now. Every call
    // without a traceparent asks, so no lock is taken on the call path.
    private readonly long interval = perSecond > 0 ? (long)(Stopwatch.Frequency / perSecond) : 0;

    // A second's worth of traces may come at once (at least one, for rates below one a second).
    private readonly long burst = Math.Max(Stopwatch.Frequency, perSecond > 0 ? (long)(Stopwatch.Frequency / perSecond) : 0);
    private long paidUntil = Stopwatch.GetTimestamp();

    /// <summary>
    /// The services' sampler: a call whose caller records its trace (a sampled traceparent) is
    /// always traced, so a partner finds its own trace; new traces, and callers that did not
    /// sample theirs, share the rate; spans within a process follow their parent.
    /// </summary>
    public static Sampler ForServices(double perSecond)
    {
        var limited = new RateLimitedSampler(perSecond);
        return new ParentBasedSampler(limited,
            remoteParentSampled: new AlwaysOnSampler(), remoteParentNotSampled: limited,
            localParentSampled: new AlwaysOnSampler(), localParentNotSampled: new AlwaysOffSampler());
    }

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
    {
        if (interval == 0)
        {
            return new SamplingResult(SamplingDecision.Drop);
        }
        while (true)
        {
            var now = Stopwatch.GetTimestamp();
            var paid = Volatile.Read(ref paidUntil);
            var next = Math.Max(paid, now) + interval;
            if (next - now > burst)
            {
                return new SamplingResult(SamplingDecision.Drop);
            }
            if (Interlocked.CompareExchange(ref paidUntil, next, paid) == paid)
            {
                return new SamplingResult(SamplingDecision.RecordAndSample);
            }
        }
    }
}
