using ConductorMesh.Ideas.V1;
using ConductorMesh.Voting.Data;
using ConductorMesh.Voting.Domain;
using StackExchange.Redis;

namespace ConductorMesh.Voting;

public static class VotingExtensions
{
    public static IHostApplicationBuilder AddVoting(this IHostApplicationBuilder builder)
    {
        builder.AddMeshService("voting", typeof(VotingExtensions).Assembly);

        var redis = builder.Configuration.GetConnectionString("redis")
            ?? throw new InvalidOperationException("ConnectionStrings:redis is not set.");
        var redisOptions = ConfigurationOptions.Parse(redis);
        redisOptions.AbortOnConnectFail = false; // keep taking votes while the leaderboard cache is away
        builder.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(redisOptions));
        builder.Services.AddHealthChecks().AddRedis(sp => sp.GetRequiredService<IConnectionMultiplexer>(), "redis");

        builder.Services.Configure<VotingRules>(builder.Configuration.GetSection("Voting"));
        builder.Services.AddSingleton<BallotStore>();
        builder.Services.AddSingleton<VoteStore>();
        builder.Services.AddSingleton<Leaderboards>();
        // Whether an idea is in the vote is asked of Ideas when Voting has not yet heard it on the bus.
        builder.Services.AddGrpcClient<IdeasApi.IdeasApiClient>(o => o.Address = new Uri("http://ideas"));
        return builder;
    }
}
