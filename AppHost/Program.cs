using ConductorMesh.AppHost;
using ConductorMesh.AppHost.Demo;
using ConductorMesh.AppHost.Deployment;
using ConductorMesh.AppHost.Infrastructure;
using ConductorMesh.AppHost.Operations;

if (args is ["token", .. var tokenArgs])
{
    return TokenCommand.Run(tokenArgs, LocalState.FromEnvironment());
}
if (args is ["verify", .. var verifyArgs])
{
    return VerifyCommand.Run(verifyArgs);
}
if (args is ["kubernetes-secrets", .. var secretsArgs])
{
    return KubernetesSecretsCommand.Run(secretsArgs);
}

var builder = DistributedApplication.CreateBuilder(args);
var state = LocalState.From(builder.Configuration);
if (args.Contains("--fresh"))
{
    state.Clear();
}

// Infrastructure: the machine's binaries, or existing servers named by ConnectionStrings__<name>.
var postgres = builder.AddMeshPostgres("postgres", state);
var ideasDb = postgres.AddMeshDatabase("ideasdb", "ideas");
var votingDb = postgres.AddMeshDatabase("votingdb", "voting");
var grantsDb = postgres.AddMeshDatabase("grantsdb", "grants");
var communityDb = postgres.AddMeshDatabase("communitydb", "community");
var redis = builder.AddMeshRedis("redis", state);
var messaging = builder.AddMeshRabbitMQ("messaging", state);

var grants = builder.AddMeshService<Projects.ConductorMesh_Grants>("grants", state)
    .WithReference(grantsDb).WaitFor(grantsDb)
    .WithReference(messaging).WaitFor(messaging);
var ideas = builder.AddMeshService<Projects.ConductorMesh_Ideas>("ideas", state)
    .WithReference(ideasDb).WaitFor(ideasDb)
    .WithReference(messaging).WaitFor(messaging);
var voting = builder.AddMeshService<Projects.ConductorMesh_Voting>("voting", state)
    .WithReference(votingDb).WaitFor(votingDb)
    .WithReference(redis).WaitFor(redis)
    .WithReference(messaging).WaitFor(messaging)
    .Each(replica => replica.WithRebuildLeaderboardsCommand(state));
var community = builder.AddMeshService<Projects.ConductorMesh_Community>("community", state)
    .WithReference(communityDb).WaitFor(communityDb)
    .WithReference(messaging).WaitFor(messaging);

// Synchronous questions between services, each call carrying the calling service's own token:
// Ideas asks Grants about cycles and takes withdrawn ideas out of Voting's ballot, Voting asks
// Ideas about ideas, Grants asks Voting for final tallies, Community asks Ideas about ideas it has
// not heard of yet, and Ideas and Voting ask Community which partner a member belongs to. No
// waits: services may call each other. Each service may run as several replicas
// (Mesh:Replicas:<service>); a caller learns every replica's address.
ideas.WithReference(grants).WithReference(community).WithReference(voting);
voting.WithReference(ideas).WithReference(grants).WithReference(community);
grants.WithReference(voting);
community.WithReference(ideas);

// The operators' console: the program, its leaderboards and the bus, behind a login.
builder.AddOperatorConsole<Projects.ConductorMesh_OperatorConsole>("console", state)
    .WithReference(grants).WithReference(ideas).WithReference(voting)
    .WithReference(ideasDb).WithReference(votingDb).WithReference(grantsDb).WithReference(communityDb)
    .WithReference(messaging).WaitFor(messaging)
    .WithManagementApiOf(messaging);

// A demo program to explore, loaded once when the services first come up.
builder.AddDemoProgram("demo", state, grants.First, ideas.First, voting.First, community.First);

builder.AddRestartsOnCrash();
builder.Build().Run();
return 0;
