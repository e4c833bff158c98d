using System.Text;
using System.Text.Json;
using ConductorMesh.ServiceDefaults.Auth;

namespace ConductorMesh.AppHost.Deployment;

/// <summary>
/// <c>./mesh kubernetes-secrets local|production --state DIR</c>: the Secrets (and the public
/// trusted keys) a deployment of <c>deploy/kubernetes</c> needs, as YAML on stdout for
/// <c>kubectl apply -f -</c>. Keys and passwords are made once in DIR and kept there: the same DIR
/// gives the same Secrets, and <c>Mesh__StateDirectory=DIR ./mesh token</c> issues tokens that
/// deployment accepts. Nothing secret is in the repository's manifests.
/// </summary>
public static class KubernetesSecretsCommand
{
    public const string Usage = "usage: ./mesh kubernetes-secrets local|production --state DIR";

    /// <summary>The hosts each overlay's servers answer on, as its manifests name them.</summary>
    private static readonly Dictionary<string, (string Postgres, string Redis, string Messaging)> Hosts = new()
    {
        ["local"] = ("postgres", "redis:6379", "messaging"),
        // PgBouncer in front of the CloudNativePG primary; Redis through its Sentinels.
        ["production"] = ("postgres-pooler-rw", "rfs-redis:26379,serviceName=mymaster", "messaging"),
    };

    /// <summary>What each process connects to, as the AppHost gives it (AppHost/Program.cs).</summary>
    private static readonly Dictionary<string, string[]> Connections = new()
    {
        ["voting"] = ["votingdb", "redis", "messaging"],
        ["ideas"] = ["ideasdb", "messaging"],
        ["grants"] = ["grantsdb", "messaging"],
        ["community"] = ["communitydb", "messaging"],
        ["console"] = ["ideasdb", "votingdb", "grantsdb", "communitydb", "messaging"],
    };

    /// <summary>The user the services connect to PostgreSQL and RabbitMQ as.</summary>
    public const string User = "conductormesh";

    public static int Run(string[] args)
    {
        if (args is not [var overlay, "--state", var folder] || !Hosts.TryGetValue(overlay, out var hosts))
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }
        Console.Write(Render(LocalState.At(folder), hosts));
        return 0;
    }

    private static string Render(LocalState state, (string Postgres, string Redis, string Messaging) hosts)
    {
        var (postgres, redis, messaging) = (state.Secret("kubernetes-postgres-password"), state.Secret("kubernetes-redis-password"), state.Secret("kubernetes-messaging-password"));
        string ConnectionString(string name) => name switch
        {
            "redis" => $"{hosts.Redis},password={redis}",
            "messaging" => $"amqp://{User}:{messaging}@{hosts.Messaging}:5672",
            _ => $"Host={hosts.Postgres};Port=5432;Database={name[..^2]};Username={User};Password={postgres}",
        };
        var yaml = new StringBuilder();
        // The servers' own credentials: CloudNativePG's initdb and the local PostgreSQL; the
        // RabbitMQ user; the Redis password (Sentinel's RedisFailover, or the local Redis).
        Document(yaml, "Secret", "postgres-app", new() { ["username"] = User, ["password"] = postgres }, "kubernetes.io/basic-auth");
        Document(yaml, "Secret", "messaging-user", new() { ["username"] = User, ["password"] = messaging });
        Document(yaml, "Secret", "redis-auth", new() { ["password"] = redis });
        foreach (var (app, connections) in Connections)
        {
            var role = app == "console" ? MeshClaims.Roles.Operator : MeshClaims.Roles.Service;
            var values = new Dictionary<string, string> { ["Auth__OwnKey"] = state.SignerOf(TrustedKeys.BoundKeyId(role, app)).PrivateKey };
            foreach (var connection in connections)
            {
                values[$"ConnectionStrings__{connection}"] = ConnectionString(connection);
            }
            if (app == "console")
            {
                values["Console__LoginToken"] = state.Secret("kubernetes-console-login");
            }
            Document(yaml, "Secret", $"{app}-secrets", values);
        }
        // Public keys, made last so every caller's own key is in the set.
        Document(yaml, "ConfigMap", "conductormesh-trusted-keys", new() { ["Auth__TrustedKeys"] = state.TrustedKeys() });
        return yaml.ToString();
    }

    private static void Document(StringBuilder yaml, string kind, string name, Dictionary<string, string> values, string? type = null)
    {
        yaml.Append("---\napiVersion: v1\nkind: ").Append(kind).Append('\n')
            .Append("metadata:\n  name: ").Append(name).Append("\n  labels:\n    app.kubernetes.io/part-of: conductormesh\n");
        if (type is not null)
        {
            yaml.Append("type: ").Append(type).Append('\n');
        }
        yaml.Append(kind == "Secret" ? "stringData:\n" : "data:\n");
        foreach (var (key, value) in values)
        {
            // A JSON string is a YAML scalar: no value needs YAML's own quoting rules.
            yaml.Append("  ").Append(key).Append(": ").Append(JsonSerializer.Serialize(value)).Append('\n');
        }
    }
}
