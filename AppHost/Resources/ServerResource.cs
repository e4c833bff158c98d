using ConductorMesh.AppHost.Hosting;

namespace ConductorMesh.AppHost.Resources;

/// <summary>
/// Infrastructure the AppHost starts from the machine's binaries, keeping its data under the
/// state folder, or an existing server when <c>ConnectionStrings__{name}</c> names one.
/// </summary>
public abstract class ServerResource(string name, string kind, AppHostSettings settings)
    : Resource(name, kind, settings), IConnectionStringResource
{
    protected string? Existing { get; } = settings.ExistingConnectionString(name);

    public override bool IsExternal => Existing is not null;

    public string ConnectionName => Name;

    public Resource Server => this;

    public int Port => Settings.Port(Name);

    protected override int? ListensOn => Port;

    public string DataDirectory => Path.Combine(Settings.ServerDataRoot, Name);

    public string ConnectionString => Existing ?? LocalConnectionString;

    protected abstract string LocalConnectionString { get; }

    protected override ProcessSpec? CreateSpec() => IsExternal ? null : CreateLocalSpec();

    protected abstract ProcessSpec CreateLocalSpec();

    protected override Task PrepareAsync(CancellationToken ct) => IsExternal ? Task.CompletedTask : PrepareLocalAsync(ct);

    protected virtual Task PrepareLocalAsync(CancellationToken ct) => Task.CompletedTask;

    /// <summary>Hands a folder to the system user a server runs as, when started by root.</summary>
    protected static async Task GiveToAsync(string user, string path)
    {
        if (Native.IsRoot)
        {
            using var chown = System.Diagnostics.Process.Start("chown", ["-R", $"{user}:{user}", path]);
            await chown.WaitForExitAsync();
        }
    }
}
