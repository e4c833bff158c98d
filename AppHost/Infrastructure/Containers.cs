using Microsoft.Extensions.Configuration;

namespace ConductorMesh.AppHost.Infrastructure;

/// <summary>
/// Which server a resource is: the existing one <c>ConnectionStrings__{name}</c> names; else,
/// with the one switch <c>Mesh__Containers=true</c> (where a container engine runs), Aspire's own
/// container integration; else ours, from the machine's binaries.
/// </summary>
public static class Containers
{
    public static IResourceBuilder<IResourceWithConnectionString> AddServer(this IDistributedApplicationBuilder builder, string name,
        Func<IResourceBuilder<IResourceWithConnectionString>> container, Func<IResourceBuilder<IResourceWithConnectionString>> local)
    {
        if (builder.Configuration.GetConnectionString(name) is not null)
        {
            return builder.AddConnectionString(name).AsConnectionString();
        }
        return builder.Configuration.GetValue<bool>("Mesh:Containers") ? container() : local();
    }
}
