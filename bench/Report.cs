using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ConductorMesh.Bench;

/// <summary>
/// Prints the figures, writes them between the markers of docs/benchmarks.md (the analysis around
/// them is written by hand and kept), and writes docs/benchmarks.json for programs comparing runs.
/// </summary>
public sealed class Report
{
    private const string Begin = "<!-- figures: written by the benchmark -->";
    private const string End = "<!-- end of figures -->";
    private readonly StringBuilder table = new();
    private readonly List<string> notes = [];

    /// <summary>The figures for docs/benchmarks.json.</summary>
    public JsonObject Json { get; } = new()
    {
        ["cores"] = Environment.ProcessorCount,
        ["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
    };

    public void Add(Figures f, Figures? baseline, string? target = null)
    {
        var ratio = baseline is null ? "" : (f.PerSecond / baseline.PerSecond).ToString("P0", CultureInfo.InvariantCulture);
        var busy = double.IsNaN(f.CpuBusy) ? "" : f.CpuBusy.ToString("P0", CultureInfo.InvariantCulture);
        var line = $"| {f.Name} | {f.Callers} | {f.PerSecond:N0} | {f.P50Ms:N2} | {f.P99Ms:N2} | {ratio} | {busy} | {f.Failures} | {target} |";
        table.AppendLine(line);
        Console.WriteLine(line);
    }

    public void Note(string note)
    {
        notes.Add(note);
        Console.WriteLine(note);
    }

    public (string Markdown, string Json) Write(string repoRoot)
    {
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':')[1].Trim() ?? "unknown";
        var memory = File.ReadLines("/proc/meminfo").First().Split(':')[1].Trim();
        var figures = $"""
            {Begin}
            Measured by `dotnet run -c Release --project bench` on {DateTime.UtcNow:yyyy-MM-dd}: {Environment.ProcessorCount} cores ({cpu}),
            {memory} of memory, PostgreSQL, Redis, RabbitMQ, the four services and the load generator all on
            the same machine. PostgreSQL runs with full durability (fsync on, synchronous commit): every
            accepted vote is on disk before it is acknowledged. Throughput is a ratio to a bare ASP.NET Core
            gRPC echo server measured in the same run at the same number of callers. "CPU busy" is the share
            of both cores in use during the measure, everything on the machine included. The same figures
            are in [benchmarks.json](benchmarks.json).

            | measure | callers | per second | p50 ms | p99 ms | vs echo | CPU busy | failures | target |
            |---|---|---|---|---|---|---|---|---|
            {table.ToString().TrimEnd()}

            {string.Join("\n", notes.Select(n => "- " + n))}
            {End}
            """.Replace("\r", "");
        var markdown = Path.Combine(repoRoot, "docs", "benchmarks.md");
        var old = File.Exists(markdown) ? File.ReadAllText(markdown) : "# Benchmarks\n\n";
        var start = old.IndexOf(Begin, StringComparison.Ordinal);
        var end = old.IndexOf(End, StringComparison.Ordinal);
        var text = start >= 0 && end > start
            ? old[..start] + figures + old[(end + End.Length)..]
            : old.TrimEnd() + "\n\n" + figures + "\n";
        File.WriteAllText(markdown, text);
        var json = Path.Combine(repoRoot, "docs", "benchmarks.json");
        File.WriteAllText(json, Json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        return (markdown, json);
    }
}
