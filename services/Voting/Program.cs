using ConductorMesh.Voting;
using ConductorMesh.Voting.Grpc;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddVoting();

var app = builder.Build();
app.MapMeshGrpc<VotingService>();
app.RunOrMigrate();
