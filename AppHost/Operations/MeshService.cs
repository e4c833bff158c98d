namespace ConductorMesh.AppHost.Operations;

/// <summary>
/// One of the four services as its replicas: <c>voting</c>, then <c>voting-2</c>, <c>voting-3</c>
/// and so on, each a process of its own on a port of its own. What the AppHost says of the
/// service (databases, waits, references) it says of every replica, and a service that
/// references another learns every replica's address under the one service name, as Aspire's
/// service discovery spreads calls over the addresses it is given.
/// </summary>
public sealed class MeshService(string name, IReadOnlyList<IResourceBuilder<ServiceResource>> replicas)
{
    public string Name => name;

    /// <summary>The first replica, on the service's known port: where partners and operators call.</summary>
    public IResourceBuilder<ServiceResource> First => replicas[0];

    public IReadOnlyList<IResourceBuilder<ServiceResource>> Replicas => replicas;

    /// <summary>The resource name of replica <paramref name="replica"/> (1 is the first).</summary>
    public static string ReplicaName(string service, int replica) => replica == 1 ? service : $"{service}-{replica}";

    public MeshService Each(Action<IResourceBuilder<ServiceResource>> configure)
    {
        foreach (var replica in replicas)
        {
            configure(replica);
        }
        return this;
    }

    public MeshService WithReference(IResourceBuilder<IResourceWithConnectionString> resource) => Each(r => r.WithReference(resource));

    public MeshService WaitFor(IResourceBuilder<IResource> resource) => Each(r => r.WaitFor(resource));

    public MeshService WithReference(MeshService other) => Each(r => r.WithReference(other));
}

public static class MeshServiceReferences
{
    /// <summary>
    /// Every replica of <paramref name="service"/> as <c>services__{name}__http__{i}</c>: the first
    /// through Aspire's own reference, the others beside it.
    /// </summary>
    public static IResourceBuilder<T> WithReference<T>(this IResourceBuilder<T> consumer, MeshService service)
        where T : IResourceWithEnvironment
    {
        consumer.WithReference(service.First);
        for (var i = 1; i < service.Replicas.Count; i++)
        {
            var replica = service.Replicas[i];
            consumer.WithEnvironment($"services__{service.Name}__http__{i}", replica.GetEndpoint("http"))
                .WithReferenceRelationship(replica.Resource);
        }
        return consumer;
    }
}
