namespace ConductorMesh.AppHost.Hosting;

/// <summary>How to run a resource's process. <see cref="RunAs"/> names the system user servers must run as when started by root.</summary>
public sealed record ProcessSpec(string FileName, IReadOnlyList<string> Arguments, string WorkingDirectory)
{
    public Dictionary<string, string> Environment { get; init; } = [];
    public string? RunAs { get; init; }
    public int StopSignal { get; init; } = Native.SigTerm;
}
