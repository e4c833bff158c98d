namespace ConductorMesh.AppHost.Hosting;

/// <summary>
/// Something the AppHost runs or uses: a server it starts from the machine's binaries, an
/// existing server named by a connection string, or a service. Resources that run a process
/// are restarted with back-off when the process exits without being asked to.
/// </summary>
public abstract class Resource(string name, string kind, AppHostSettings settings)
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private readonly List<Resource> waits = [];
    private ManagedProcess? process;
    private Task? supervision;
    private volatile bool stopping;
    // Cancelled by StopAsync, so a supervisor waiting out a back-off gives the process up at once.
    private CancellationTokenSource stopRequested = new();
    // Held while the supervisor replaces a crashed process and while StopAsync takes the current one.
    private readonly object handover = new();

    public string Name => name;
    public string Kind => kind;
    public ResourceState State { get; private set; } = ResourceState.NotStarted;
    public int Restarts { get; private set; }
    public int? ProcessId => process?.Id;
    public DateTime? StartedAt { get; private set; }
    public IReadOnlyList<Resource> Waits => waits;
    public string LogPath => Path.Combine(Settings.StateDirectory, "logs", $"{Name}.log");
    protected AppHostSettings Settings => settings;

    /// <summary>Where partners and tools reach it, for the resource table.</summary>
    public abstract string Endpoint { get; }

    /// <summary>True when the resource is an existing server: nothing to start or stop.</summary>
    public virtual bool IsExternal => false;

    public event Action<Resource>? StateChanged;

    public void WaitFor(Resource other)
    {
        if (!waits.Contains(other))
        {
            waits.Add(other);
        }
    }

    /// <summary>What to run; null for resources that run nothing.</summary>
    protected abstract ProcessSpec? CreateSpec();

    /// <summary>One-time preparation before the first start (folders, initdb).</summary>
    protected virtual Task PrepareAsync(CancellationToken ct) => Task.CompletedTask;

    /// <summary>Work once healthy after each start (databases, users).</summary>
    protected virtual Task AfterHealthyAsync(CancellationToken ct) => Task.CompletedTask;

    /// <summary>The port the resource's process listens on, checked to be free before it starts; null when it starts no listener of its own.</summary>
    protected virtual int? ListensOn => null;

    /// <summary>Cleanup after the process stopped (helpers it left behind).</summary>
    protected virtual Task AfterStoppedAsync() => Task.CompletedTask;

    public abstract Task<bool> IsHealthyAsync(CancellationToken ct);

    public async Task StartAsync(CancellationToken ct)
    {
        stopping = false;
        stopRequested = new CancellationTokenSource();
        Set(ResourceState.Waiting);
        foreach (var dependency in waits)
        {
            await dependency.WaitUntilHealthyAsync(ct);
        }
        Set(ResourceState.Starting);
        Directory.CreateDirectory(Path.GetDirectoryName(LogPath)!);
        await PrepareAsync(ct);
        if (CreateSpec() is { } spec)
        {
            if (ListensOn is { } port && FreePort.IsListening(port))
            {
                Set(ResourceState.FailedToStart);
                throw new InvalidOperationException(
                    $"port {port} for {Name} is already in use (is another ./mesh up running?); stop what uses it, or choose another port with MESH_{Name.ToUpperInvariant().Replace('-', '_')}_PORT");
            }
            Launch(spec);
            supervision = SuperviseAsync(spec);
        }
        await WaitUntilHealthyAsync(ct);
        await AfterHealthyAsync(ct);
    }

    public async Task WaitUntilHealthyAsync(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Settings.StartTimeout);
        while (!await IsHealthyAsync(timeout.Token))
        {
            if (State is ResourceState.FailedToStart or ResourceState.Stopped)
            {
                throw new InvalidOperationException($"{Name} is {State}; see {LogPath}");
            }
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), timeout.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new TimeoutException($"{Name} was not healthy within {Settings.StartTimeout.TotalSeconds}s; see {LogPath}");
            }
        }
        if (State is ResourceState.Starting or ResourceState.Unhealthy)
        {
            Set(ResourceState.Running);
        }
    }

    /// <summary>Reads health once and records it, for the resource table.</summary>
    public async Task RefreshHealthAsync(CancellationToken ct)
    {
        if (State is ResourceState.Running or ResourceState.Unhealthy)
        {
            Set(await IsHealthyAsync(ct) ? ResourceState.Running : ResourceState.Unhealthy);
        }
    }

    public async Task StopAsync()
    {
        ManagedProcess? running;
        lock (handover)
        {
            stopping = true;
            running = process;
        }
        await stopRequested.CancelAsync();
        if (running is not null)
        {
            Set(ResourceState.Stopping);
            await running.StopAsync(Settings.StopGrace);
            if (supervision is not null)
            {
                await supervision;
            }
            await AfterStoppedAsync();
            await running.DisposeAsync();
            process = null;
            supervision = null;
        }
        Set(ResourceState.Stopped);
    }

    private void Launch(ProcessSpec spec)
    {
        process = ManagedProcess.Start(spec, LogPath);
        StartedAt = DateTime.UtcNow;
    }

    // Restarts a process that exits on its own, waiting longer after each quick crash.
    private async Task SuperviseAsync(ProcessSpec spec)
    {
        var backoff = TimeSpan.FromSeconds(1);
        while (true)
        {
            var current = process!;
            await current.Exited;
            if (stopping)
            {
                return; // StopAsync owns the process from here
            }
            Set(ResourceState.Exited);
            var ranFor = DateTime.UtcNow - StartedAt!.Value;
            backoff = ranFor > MaxBackoff ? TimeSpan.FromSeconds(1) : TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            try
            {
                await Task.Delay(backoff, stopRequested.Token);
            }
            catch (OperationCanceledException)
            {
                return; // stopped during the back-off: StopAsync disposes the exited process
            }
            lock (handover)
            {
                if (stopping)
                {
                    return;
                }
                // The old process is disposed only here, when it is replaced, so StopAsync never finds a disposed one.
                current.DisposeAsync().AsTask().GetAwaiter().GetResult();
                Restarts++;
                Launch(spec);
            }
            Set(ResourceState.Starting);
            _ = WaitUntilHealthyAsync(CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    protected void Set(ResourceState state)
    {
        if (State != state)
        {
            State = state;
            StateChanged?.Invoke(this);
        }
    }
}
