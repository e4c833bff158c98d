using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using ConductorMesh.AppHost;
using k8s.Models;

namespace ConductorMesh.IntegrationTests.Deployment;

/// <summary>
/// deploy/kubernetes, checked without a cluster: both overlays render, every object reads strictly
/// as its Kubernetes type, and the manifests give each process what the AppHost gives it
/// (its published manifest), reach only what it reaches, and keep secrets in Secrets.
/// </summary>
public sealed class KubernetesManifestTests
{
    public static readonly TheoryData<string> Overlays = new() { "local", "production" };

    private static readonly string[] Apps = ["voting", "ideas", "grants", "community", "console"];

    /// <summary>
    /// Settings a process reads that the published manifest does not show: the OpenTelemetry
    /// exporter's, which Aspire adds only when it runs the process, and the cluster's quorum queues
    /// (Redelivery.QuorumQueues).
    /// </summary>
    private static readonly string[] ClusterSettings = ["OTEL_SERVICE_NAME", "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_PROTOCOL", "Messaging__QuorumQueues"];

    private static readonly ConcurrentDictionary<string, Lazy<Task<RenderedOverlay>>> Rendered = new();

    private static Task<RenderedOverlay> RenderAsync(string overlay) =>
        Rendered.GetOrAdd(overlay, o => new(() => RenderedOverlay.RenderAsync(o))).Value;

    private static string AppOf(V1ObjectMeta meta) => meta.Labels["app.kubernetes.io/name"];

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Every_process_runs_with_its_migration_job_and_its_servers(string overlay)
    {
        var rendered = await RenderAsync(overlay);

        Assert.Equal(Apps.Order(), rendered.All<V1Deployment>().Select(d => AppOf(d.Metadata)).Order());
        Assert.Equal(Apps.Where(a => a != "console").Order(), rendered.All<V1Job>().Select(j => AppOf(j.Metadata)).Order());
        Assert.All(rendered.All<V1Job>(), j => Assert.Contains("--Mesh:MigrateOnly=true", j.Spec.Template.Spec.Containers.Single().Args));
        var operated = rendered.Operated.Select(o => $"{o["apiVersion"]}/{o["kind"]}").Distinct().Order();
        Assert.Equal(overlay == "production" ? RenderedOverlay.OperatorKinds.Order() : [], operated);
        Assert.Equal(overlay == "local" ? ["messaging", "postgres", "redis"] : [], rendered.All<V1StatefulSet>().Select(s => s.Metadata.Name).Order());
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Every_deployment_has_both_probes_resources_a_disruption_budget_and_an_autoscaler(string overlay)
    {
        var rendered = await RenderAsync(overlay);
        var peaks = JsonNode.Parse(File.ReadAllText(Path.Combine(LocalState.RepoRoot, "docs", "benchmarks.json")))!["peak_rss_mb"]!.AsObject();

        Assert.All(rendered.All<V1Deployment>(), deployment =>
        {
            var app = AppOf(deployment.Metadata);
            var pod = deployment.Spec.Template;
            var container = pod.Spec.Containers.Single();
            Assert.NotNull(container.ReadinessProbe);
            Assert.NotNull(container.LivenessProbe);
            if (app != "console")
            {
                // The kubelet's own gRPC probe: ready is every check, alive the process alone.
                Assert.Equal((8080, null), (container.ReadinessProbe.Grpc.Port, container.ReadinessProbe.Grpc.Service));
                Assert.Equal((8080, "liveness"), (container.LivenessProbe.Grpc.Port, container.LivenessProbe.Grpc.Service));
            }
            foreach (var resource in new[] { "cpu", "memory" })
            {
                Assert.True(container.Resources.Requests.ContainsKey(resource) && container.Resources.Limits.ContainsKey(resource), $"{app}: {resource} request and limit");
            }
            if (peaks[app] is { } peak)
            {
                // Requests at least the benchmark's peak working set, so the scheduler leaves room for it.
                Assert.True(container.Resources.Requests["memory"].ToInt64() >= peak.GetValue<long>() * 1024 * 1024, $"{app} asks less memory than its measured peak");
            }
            Assert.Single(rendered.All<V1PodDisruptionBudget>(), b => b.Spec.Selector.MatchLabels.All(l => pod.Metadata.Labels.TryGetValue(l.Key, out var v) && v == l.Value));
            Assert.Single(rendered.All<V2HorizontalPodAutoscaler>(), h => h.Spec.ScaleTargetRef is { Kind: "Deployment" } target && target.Name == deployment.Metadata.Name);
            Assert.NotEmpty(pod.Spec.TopologySpreadConstraints);
        });
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Every_process_gets_the_settings_it_reads_and_no_others(string overlay)
    {
        var (rendered, manifest) = (await RenderAsync(overlay), await PublishedManifest.Get());

        var pods = rendered.All<V1Deployment>().Select(d => d.Spec.Template).Concat(rendered.All<V1Job>().Select(j => j.Spec.Template));
        Assert.All(pods, pod =>
        {
            var app = AppOf(pod.Metadata);
            var given = rendered.EnvironmentOf(pod.Spec.Containers.Single());
            // Aspire also gives each endpoint as <NAME>_<ENDPOINT> for other languages; .NET's service discovery reads services__.
            var needed = manifest.EnvironmentOf(app).Keys.Where(k => !k.EndsWith("_HTTP", StringComparison.Ordinal)).ToHashSet();

            Assert.Empty(needed.Except(given));
            Assert.Empty(given.Except(needed).Except(ClusterSettings));
        });
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Every_image_is_pinned_and_ours_are_this_release(string overlay)
    {
        var rendered = await RenderAsync(overlay);
        var release = XDocument.Load(Path.Combine(LocalState.RepoRoot, "Directory.Build.props")).Descendants("Version").Single().Value;

        var pods = rendered.All<V1Deployment>().Select(d => d.Spec.Template.Spec)
            .Concat(rendered.All<V1Job>().Select(j => j.Spec.Template.Spec))
            .Concat(rendered.All<V1StatefulSet>().Select(s => s.Spec.Template.Spec));
        var images = pods.SelectMany(p => p.Containers.Concat(p.InitContainers ?? [])).Select(c => c.Image)
            .Concat(rendered.Operated.SelectMany(ImagesOf)).ToList();

        Assert.NotEmpty(images);
        Assert.All(images, image => Assert.Matches(@"^[^:@]+(:[\w][\w.-]*[0-9][\w.-]*|@sha256:[0-9a-f]{64})$", image));
        Assert.All(images, image => Assert.DoesNotContain(":latest", image));
        Assert.All(images.Where(i => i.StartsWith("conductormesh/", StringComparison.Ordinal)), image => Assert.EndsWith($":{release}", image));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task No_secret_sits_in_a_config_map(string overlay)
    {
        var (rendered, manifest) = (await RenderAsync(overlay), await PublishedManifest.Get());
        var secretValues = rendered.Generated.OfType<V1Secret>().SelectMany(s => s.StringData).Where(v => v.Key != "username").Select(v => v.Value).ToList();
        // What the AppHost passes as a secret parameter or a connection string (which holds a password).
        var secretNames = Apps.SelectMany(a => manifest.EnvironmentOf(a)).Where(e => e.Value.Contains(".value}", StringComparison.Ordinal) || e.Value.Contains("connectionString}", StringComparison.Ordinal))
            .Select(e => e.Key).ToHashSet();

        Assert.Contains("Auth__OwnKey", secretNames);
        Assert.Contains("ConnectionStrings__votingdb", secretNames);
        Assert.All(rendered.All<V1ConfigMap>(), map =>
        {
            Assert.Empty((map.Data ?? new Dictionary<string, string>()).Keys.Intersect(secretNames));
            Assert.All(map.Data?.Values ?? [], value => Assert.All(secretValues, secret => Assert.DoesNotContain(secret, value)));
        });
        // Pods take a server's password from its Secret, never as a value written in.
        var containers = rendered.All<V1StatefulSet>().SelectMany(s => s.Spec.Template.Spec.Containers).Concat(rendered.All<V1Deployment>().SelectMany(d => d.Spec.Template.Spec.Containers));
        Assert.All(containers.SelectMany(c => c.Env ?? []).Where(e => e.Name.Contains("PASS", StringComparison.Ordinal)), e => Assert.NotNull(e.ValueFrom?.SecretKeyRef));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Network_policies_allow_exactly_the_calls_the_AppHost_makes(string overlay)
    {
        var (rendered, manifest) = (await RenderAsync(overlay), await PublishedManifest.Get());

        var made = Apps.SelectMany(app => manifest.EnvironmentOf(app).Keys.Select(setting => (From: app, To: Callee(setting)))).Where(c => c.To is not null).ToHashSet();
        var allowed = rendered.All<V1NetworkPolicy>().SelectMany(policy =>
        {
            // A server's policy says which server it guards: its pods are labelled by the operator that runs it.
            var to = Label(policy.Metadata.Labels, "conductormesh.io/server") ?? Label(policy.Spec.PodSelector.MatchLabels, "app.kubernetes.io/name");
            return (policy.Spec.Ingress ?? []).SelectMany(rule => rule.FromProperty ?? [])
                .Select(peer => Label(peer.PodSelector?.MatchLabels, "app.kubernetes.io/name"))
                .Where(from => from is not null && Apps.Contains(from))
                .Select(from => (From: from!, To: to));
        }).ToHashSet();

        Assert.Equal(made.Order().ToList(), allowed.Order().ToList());
        Assert.Contains(rendered.All<V1NetworkPolicy>(), p => p.Spec.PodSelector.MatchLabels is null or { Count: 0 } && p.Spec.Ingress is null);
    }

    private static string? Label(IDictionary<string, string>? labels, string key) => labels is not null && labels.TryGetValue(key, out var value) ? value : null;

    /// <summary>What a setting of the AppHost makes the process call: a service, or a server.</summary>
    private static string? Callee(string setting) => setting.Split("__") switch
    {
        ["services", var service, ..] => service,
        ["ConnectionStrings", "redis"] => "redis",
        ["ConnectionStrings", "messaging"] or ["RabbitMq", "ManagementUrl"] => "messaging",
        ["ConnectionStrings", var database] when database.EndsWith("db", StringComparison.Ordinal) => "postgres",
        _ => null,
    };

    /// <summary>The images an operator's resource names (CloudNativePG's imageName, RabbitMQ's image, Redis's redis.image).</summary>
    private static IEnumerable<string> ImagesOf(Dictionary<object, object> resource)
    {
        var spec = (Dictionary<object, object>)resource["spec"];
        object? Get(Dictionary<object, object>? map, string key) => map is not null && map.TryGetValue(key, out var value) ? value : null;
        return new[] { Get(spec, "imageName"), Get(spec, "image"), Get(Get(spec, "redis") as Dictionary<object, object>, "image") }.OfType<string>();
    }
}
