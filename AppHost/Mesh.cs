using ConductorMesh.AppHost.Hosting;

namespace ConductorMesh.AppHost;

/// <summary>
/// The whole system as resources, references and waits: the one wiring shared by
/// <c>./mesh up</c> and the tests' fixture.
/// </summary>
public static class Mesh
{
    public static DistributedApplication Build(AppHostSettings settings)
    {
        var builder = new DistributedApplicationBuilder(settings);

        var postgres = builder.AddPostgres("postgres");
        var ideasDb = postgres.AddDatabase("ideasdb", "ideas");
        var votingDb = postgres.AddDatabase("votingdb", "voting");
        var grantsDb = postgres.AddDatabase("grantsdb", "grants");
        var communityDb = postgres.AddDatabase("communitydb", "community");
        var redis = builder.AddRedis("redis");
        var messaging = builder.AddRabbitMQ("messaging");

        var grants = builder.AddProject("grants", "Grants").WithReference(grantsDb).WithReference(messaging);
        var ideas = builder.AddProject("ideas", "Ideas").WithReference(ideasDb).WithReference(messaging);
        var voting = builder.AddProject("voting", "Voting").WithReference(votingDb).WithReference(redis).WithReference(messaging);
        var community = builder.AddProject("community", "Community").WithReference(communityDb).WithReference(messaging);

        // Synchronous questions between services: Ideas asks Grants about cycles, Voting asks
        // Ideas about ideas, Grants asks Voting for final tallies, Community asks Ideas about
        // ideas it has not heard of yet; Ideas and Voting ask Community which partner a member
        // belongs to. Each call carries the calling service's own token.
        ideas.WithReference(grants).WithReference(community);
        voting.WithReference(ideas).WithReference(grants).WithReference(community);
        grants.WithReference(voting);
        community.WithReference(ideas);

        var otlp = Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT");
        foreach (var service in new[] { grants, ideas, voting, community })
        {
            service.WithEnvironment("Auth__SigningKey", Convert.ToBase64String(settings.SigningKey));
            if (!string.IsNullOrEmpty(otlp))
            {
                service.WithEnvironment("OTEL_EXPORTER_OTLP_ENDPOINT", otlp);
            }
        }
        return builder.Build();
    }
}
