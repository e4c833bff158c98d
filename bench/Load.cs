using System.Diagnostics;

namespace ConductorMesh.Bench;

/// <summary>Throughput and latency of one measured run.</summary>
public sealed record Figures(string Name, int Callers, double PerSecond, double P50Ms, double P99Ms, long Operations, long Failures, double CpuBusy = double.NaN);

/// <summary>Closed-loop load: each caller sends its next request as soon as the last one is answered.</summary>
public static class Load
{
    public static async Task<Figures> RunAsync(string name, int callers, TimeSpan duration, Func<int, Task> call)
    {
        // A short warm-up so JIT and connection set-up are not measured.
        await RunCoreAsync(callers, TimeSpan.FromSeconds(1), call);
        var cpuBefore = CpuTimes();
        var (latencies, failures, elapsed) = await RunCoreAsync(callers, duration, call);
        var busy = Busy(cpuBefore, CpuTimes());
        latencies.Sort();
        return new Figures(name, callers, latencies.Count / elapsed.TotalSeconds, Percentile(latencies, 0.50), Percentile(latencies, 0.99), latencies.Count, failures, busy);
    }

    private static async Task<(List<double> Latencies, long Failures, TimeSpan Elapsed)> RunCoreAsync(int callers, TimeSpan duration, Func<int, Task> call)
    {
        var all = new List<double>[callers];
        long failures = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, callers).Select(async c =>
        {
            var mine = all[c] = new List<double>();
            var n = 0;
            while (clock.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await call(c * 1_000_000 + n++);
                    mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }));
        return (all.SelectMany(l => l).ToList(), failures, clock.Elapsed);
    }

    /// <summary>The machine's CPU time counters (user, nice, system, idle, iowait, ...), from /proc/stat.</summary>
    public static long[] CpuTimes() =>
        File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();

    /// <summary>The share of all cores that was busy between two readings.</summary>
    public static double Busy(long[] before, long[] after)
    {
        var total = after.Zip(before, (a, b) => a - b).Sum();
        var idle = after[3] - before[3] + after[4] - before[4];
        return total == 0 ? double.NaN : (double)(total - idle) / total;
    }

    public static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];
}
