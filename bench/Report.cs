using System.Globalization;
using System.Text;

namespace ConductorMesh.Bench;

/// <summary>Prints the figures and writes them, with the machine, into docs/benchmarks.md.</summary>
public sealed class Report
{
    private readonly StringBuilder table = new();
    private readonly List<string> notes = [];

    public void Add(Figures f, Figures? baseline, string? target = null)
    {
        var ratio = baseline is null ? "" : (f.PerSecond / baseline.PerSecond).ToString("P0", CultureInfo.InvariantCulture);
        var line = $"| {f.Name} | {f.Callers} | {f.PerSecond:N0} | {f.P50Ms:N2} | {f.P99Ms:N2} | {ratio} | {f.Failures} | {target} |";
        table.AppendLine(line);
        Console.WriteLine(line);
    }

    public void Note(string note)
    {
        notes.Add(note);
        Console.WriteLine(note);
    }

    public string Write(string repoRoot)
    {
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':')[1].Trim() ?? "unknown";
        var memory = File.ReadLines("/proc/meminfo").First().Split(':')[1].Trim();
        var text = $"""
            # Benchmarks

            Measured by `dotnet run -c Release --project bench` on {DateTime.UtcNow:yyyy-MM-dd}: {Environment.ProcessorCount} cores ({cpu}),
            {memory} of memory, PostgreSQL, Redis, RabbitMQ, the four services and the load generator all on
            the same machine. PostgreSQL runs with full durability (fsync on, synchronous commit): every
            accepted vote is on disk before it is acknowledged. Throughput is a ratio to a bare ASP.NET Core
            gRPC echo server measured in the same run at the same number of callers.

            | measure | callers | per second | p50 ms | p99 ms | vs echo | failures | target |
            |---|---|---|---|---|---|---|---|
            {table.ToString().TrimEnd()}

            {string.Join("\n", notes.Select(n => "- " + n))}
            """;
        var path = Path.Combine(repoRoot, "docs", "benchmarks.md");
        File.WriteAllText(path, text.Replace("\r", "") + "\n");
        return path;
    }
}
