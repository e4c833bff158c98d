namespace ConductorMesh.Bench;

/// <summary>What the machine's processes spend, read from /proc.</summary>
public static class Machine
{
    private static readonly long TicksPerSecond = 100; // USER_HZ on Linux

    /// <summary>CPU seconds spent so far by every process, by its command name (those that ended between two readings are not seen).</summary>
    public static Dictionary<int, (string Name, double Seconds)> ProcessCpu()
    {
        var all = new Dictionary<int, (string, double)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var name = stat[(stat.IndexOf('(') + 1)..stat.LastIndexOf(')')];
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                all[pid] = (name, (long.Parse(fields[11]) + long.Parse(fields[12])) / (double)TicksPerSecond);
            }
            catch (IOException)
            {
                // The process ended while it was read.
            }
        }
        return all;
    }

    /// <summary>Peak resident memory (VmHWM) of a process, in MB.</summary>
    public static double PeakRssMb(int pid) =>
        long.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmHWM", StringComparison.Ordinal))
            .Split(':')[1].Trim().Split(' ')[0]) / 1024.0;
}
