namespace ConductorMesh.AppHost.Infrastructure;

/// <summary>
/// A private RabbitMQ node: its own node name, ports and folders, so it never meets the machine's
/// default node. Its port mapper (epmd) is a resource of its own that it waits for.
/// </summary>
public sealed class LocalRabbitMqResource(string name, string command, string workingDirectory)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";
    public const string ManagementEndpointName = "management";
    public const string DistributionEndpointName = "dist";

    public EndpointReference Endpoint => new(this, EndpointName);

    /// <summary>The management UI and HTTP API (queues, depths, rates), on loopback only.</summary>
    public EndpointReference Management => new(this, ManagementEndpointName);

    public EndpointReference Distribution => new(this, DistributionEndpointName);

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"amqp://guest:guest@{Endpoint.Property(EndpointProperty.Host)}:{Endpoint.Property(EndpointProperty.Port)}");
}
