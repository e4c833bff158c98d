using System.Collections.Immutable;

namespace ConductorMesh.AppHost.Operations;

public static class SnapshotProperties
{
    /// <summary>The properties with <paramref name="name"/> set to <paramref name="value"/>, as the dashboard shows them.</summary>
    public static ImmutableArray<ResourcePropertySnapshot> With(this ImmutableArray<ResourcePropertySnapshot> properties, string name, object value) =>
        [.. properties.Where(p => p.Name != name), new ResourcePropertySnapshot(name, value)];
}
