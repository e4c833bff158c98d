using System.Diagnostics;

namespace ConductorMesh.AppHost.Hosting;

/// <summary>
/// One run of a resource's process, in a session of its own (setsid) so that signals reach the
/// whole group: wrappers such as runuser and the server below them stop together. Every line it
/// prints goes to the resource's log file.
/// </summary>
public sealed class ManagedProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StreamWriter log;
    private readonly int stopSignal;

    private ManagedProcess(Process process, StreamWriter log, int stopSignal)
    {
        this.process = process;
        Id = process.Id;
        this.log = log;
        this.stopSignal = stopSignal;
    }

    public int Id { get; }

    public Task Exited => process.WaitForExitAsync();

    public int? ExitCode => process.HasExited ? process.ExitCode : null;

    public static ManagedProcess Start(ProcessSpec spec, string logPath)
    {
        var info = new ProcessStartInfo("setsid")
        {
            WorkingDirectory = spec.WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (spec.RunAs is { } user && Native.IsRoot)
        {
            foreach (var a in new[] { "runuser", "-u", user, "--" })
            {
                info.ArgumentList.Add(a);
            }
        }
        info.ArgumentList.Add(spec.FileName);
        foreach (var argument in spec.Arguments)
        {
            info.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in spec.Environment)
        {
            info.Environment[key] = value;
        }

        var log = new StreamWriter(new FileStream(logPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.Start();
        process.StandardInput.Close();
        Write(log, $"--- started {spec.FileName} as process {process.Id} at {DateTime.UtcNow:u}");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ManagedProcess(process, log, spec.StopSignal);
    }

    /// <summary>Asks the group to stop, and kills it if it has not within <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (!process.HasExited)
        {
            Native.SignalGroup(Id, stopSignal);
            using var timeout = new CancellationTokenSource(grace);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                Write(log, $"--- did not stop within {grace.TotalSeconds}s; killing it");
            }
        }
        // Children that outlived their parent still belong to the group.
        Native.SignalGroup(Id, Native.SigKill);
        await process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        process.Dispose();
        await log.DisposeAsync();
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (log)
        {
            try
            {
                log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                // The run ended while its last lines were in flight.
            }
        }
    }
}
