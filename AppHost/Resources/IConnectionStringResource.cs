using ConductorMesh.AppHost.Hosting;

namespace ConductorMesh.AppHost.Resources;

/// <summary>A resource a service reaches through <c>ConnectionStrings__{ConnectionName}</c>.</summary>
public interface IConnectionStringResource
{
    string ConnectionName { get; }
    string ConnectionString { get; }

    /// <summary>The resource that must be healthy before a service using this one starts.</summary>
    Resource Server { get; }
}
