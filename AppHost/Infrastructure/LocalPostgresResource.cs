namespace ConductorMesh.AppHost.Infrastructure;

/// <summary>PostgreSQL run from the machine's binaries, one server with a database per service.</summary>
public sealed class LocalPostgresResource(string name, string command, string workingDirectory, ParameterResource password)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    /// <summary>The superuser's password, generated on first start (a secret parameter).</summary>
    public ParameterResource Password { get; } = password;

    public const string EndpointName = "tcp";

    public EndpointReference Endpoint => new(this, EndpointName);

    /// <summary>
    /// Each service's pool is bounded so that all of them together stay under the server's
    /// max_connections: under a burst, callers wait for a pooled connection instead of being refused.
    /// </summary>
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host={Endpoint.Property(EndpointProperty.Host)};Port={Endpoint.Property(EndpointProperty.Port)};Username=postgres;Password={Password};Maximum Pool Size=50");
}
