using ConductorMesh.Grants.V1;
using ConductorMesh.Ideas.V1;
using ConductorMesh.Voting.Data;
using ConductorMesh.Voting.Domain;
using ConductorMesh.Voting.Events;
using ConductorMesh.Voting.Grpc;
using StackExchange.Redis;

namespace ConductorMesh.Voting;

public static class VotingExtensions
{
    public static IHostApplicationBuilder AddVoting(this IHostApplicationBuilder builder)
    {
        builder.AddMeshService("voting", typeof(VotingExtensions).Assembly, ConductorMesh.Voting.V1.VotingApi.Descriptor);

        var redis = builder.Configuration.GetConnectionString("redis")
            ?? throw new InvalidOperationException("ConnectionStrings:redis is not set.");
        var redisOptions = ConfigurationOptions.Parse(redis);
        redisOptions.AbortOnConnectFail = false; // keep taking votes while the leaderboard cache is away
        builder.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(redisOptions));
        builder.Services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis");

        builder.Services.Configure<VotingRules>(builder.Configuration.GetSection("Voting"));
        builder.Services.AddSingleton<BallotDirectory>();
        builder.Services.AddSingleton<VoteStore>();
        builder.Services.AddSingleton<SealedTrees>();
        builder.Services.AddSingleton<FinalStandings>();
        builder.Services.AddSingleton<HeldVotesStore>();
        builder.Services.AddSingleton<VoteWriter>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<VoteWriter>());
        builder.Services.AddSingleton<TallyStore>();
        builder.Services.AddHostedService<TallyLeader>();
        builder.Services.AddSingleton<Leaderboards>();
        builder.Services.AddSingleton<LeaderboardWatch>();
        builder.Services.AddSingleton<BoardPages>();
        builder.Services.AddSingleton<StandingsAccess>();
        // Ideas, cycles and programs unknown to the vote are asked of Ideas and Grants.
        builder.Services.AddMeshGrpcClient<IdeasApi.IdeasApiClient>("ideas");
        builder.Services.AddMeshGrpcClient<GrantsApi.GrantsApiClient>("grants");
        return builder;
    }
}
