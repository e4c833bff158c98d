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
    private readonly double rate = perSecond;
    private readonly Lock gate = new();
    private double tokens = perSecond;
    private long refilledAt = Stopwatch.GetTimestamp();

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
        lock (gate)
        {
            var now = Stopwatch.GetTimestamp();
            tokens = Math.Min(rate, tokens + Stopwatch.GetElapsedTime(refilledAt, now).TotalSeconds * rate);
            refilledAt = now;
            if (tokens < 1)
            {
                return new SamplingResult(SamplingDecision.Drop);
            }
            tokens -= 1;
            return new SamplingResult(SamplingDecision.RecordAndSample);
        }
    }
}
