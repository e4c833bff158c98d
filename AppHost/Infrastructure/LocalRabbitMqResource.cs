namespace ConductorMesh.AppHost.Infrastructure;

/// <summary>
/// A private RabbitMQ node: its own node name, ports and folders, so it never meets the machine's
/// default node. Its port mapper (epmd) is a resource of its own that it waits for.
/// </summary>
public sealed class LocalRabbitMqResource(string name, string command, string workingDirectory, ParameterResource password)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    /// <summary>The one user of the node; there is no guest.</summary>
    public const string User = "conductormesh";

    /// <summary>Its password, generated on first start (a secret parameter).</summary>
    public ParameterResource Password { get; } = password;

    public const string EndpointName = "tcp";
    public const string ManagementEndpointName = "management";
    public const string DistributionEndpointName = "dist";

    public EndpointReference Endpoint => new(this, EndpointName);

    /// <summary>The management UI and HTTP API (queues, depths, rates), on loopback only.</summary>
    public EndpointReference Management => new(this, ManagementEndpointName);

    public EndpointReference Distribution => new(this, DistributionEndpointName);

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"amqp://{User}:{Password}@{Endpoint.Property(EndpointProperty.Host)}:{Endpoint.Property(EndpointProperty.Port)}");
}
