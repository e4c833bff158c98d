using ConductorMesh.AppHost;
using k8s;
using k8s.Models;
using YamlDotNet.Serialization;

namespace ConductorMesh.IntegrationTests.Deployment;

/// <summary>
/// One overlay of deploy/kubernetes as <c>kubectl kustomize</c> renders it, with the Secrets
/// <c>./mesh kubernetes-secrets</c> makes for it: every object of the Kubernetes API read strictly
/// into its type (an unknown field fails), and the operators' resources kept as plain YAML.
/// </summary>
public sealed class RenderedOverlay
{
    /// <summary>The operators' kinds the production overlay uses, by apiVersion/kind.</summary>
    public static readonly string[] OperatorKinds =
    [
        "postgresql.cnpg.io/v1/Cluster", "postgresql.cnpg.io/v1/Pooler", "postgresql.cnpg.io/v1/Database",
        "rabbitmq.com/v1beta1/RabbitmqCluster", "rabbitmq.com/v1beta1/User", "rabbitmq.com/v1beta1/Permission",
        "databases.spotahome.com/v1/RedisFailover",
    ];

    private RenderedOverlay(string name, List<IKubernetesObject> objects, List<Dictionary<object, object>> operated, List<IKubernetesObject> secrets) =>
        (Name, Objects, Operated, Generated) = (name, objects, operated, secrets);

    public string Name { get; }

    /// <summary>The overlay's objects of the Kubernetes API.</summary>
    public List<IKubernetesObject> Objects { get; }

    /// <summary>The overlay's resources of operators (CloudNativePG, RabbitMQ, Redis), as YAML maps.</summary>
    public List<Dictionary<object, object>> Operated { get; }

    /// <summary>The Secrets and ConfigMap of <c>./mesh kubernetes-secrets</c> for this overlay.</summary>
    public List<IKubernetesObject> Generated { get; }

    public IEnumerable<T> All<T>() => Objects.Concat(Generated).OfType<T>();

    public static async Task<RenderedOverlay> RenderAsync(string overlay)
    {
        var rendered = Succeeded(await Commands.RunAsync("kubectl", ["kustomize", Path.Combine(LocalState.RepoRoot, "deploy", "kubernetes", "overlays", overlay)]), "kubectl kustomize");
        var state = Directory.CreateTempSubdirectory("conductormesh-kubernetes-").FullName;
        try
        {
            var secrets = Succeeded(await Commands.MeshAsync(["kubernetes-secrets", overlay, "--state", state]), "./mesh kubernetes-secrets");
            var objects = new List<IKubernetesObject>();
            var operated = new List<Dictionary<object, object>>();
            foreach (var document in Documents(rendered))
            {
                var yaml = new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(document);
                if (OperatorKinds.Contains($"{yaml["apiVersion"]}/{yaml["kind"]}"))
                {
                    operated.Add(yaml);
                }
                else
                {
                    objects.Add((IKubernetesObject)KubernetesYaml.LoadAllFromString(document, strict: true).Single());
                }
            }
            var generated = Documents(secrets).Select(d => (IKubernetesObject)KubernetesYaml.LoadAllFromString(d, strict: true).Single()).ToList();
            return new RenderedOverlay(overlay, objects, operated, generated);
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }

    private static IEnumerable<string> Documents(string yaml) =>
        yaml.Split("\n---\n").Select(d => d.Trim()).Where(d => d.Length > 0 && d != "---").Select(d => d.StartsWith("---", StringComparison.Ordinal) ? d[3..] : d);

    private static string Succeeded(Ended ended, string what) =>
        ended.ExitCode == 0 ? ended.Output : throw new InvalidOperationException($"{what} failed: {ended.Errors}");

    /// <summary>The names of the environment variables a pod's container gets: its own and those of the ConfigMaps and Secrets it takes whole.</summary>
    public IReadOnlySet<string> EnvironmentOf(V1Container container)
    {
        var names = new HashSet<string>((container.Env ?? []).Select(e => e.Name));
        foreach (var source in container.EnvFrom ?? [])
        {
            var keys = source.ConfigMapRef is { } map
                ? All<V1ConfigMap>().SingleOrDefault(c => c.Metadata.Name == map.Name)?.Data?.Keys
                : All<V1Secret>().SingleOrDefault(s => s.Metadata.Name == source.SecretRef.Name)?.StringData?.Keys;
            names.UnionWith(keys ?? throw new InvalidOperationException($"{Name}: {source.ConfigMapRef?.Name ?? source.SecretRef.Name} is taken but not made"));
        }
        return names;
    }
}
