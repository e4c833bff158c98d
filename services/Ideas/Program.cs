using ConductorMesh.Ideas;
using ConductorMesh.Ideas.Grpc;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddIdeas();

var app = builder.Build();
app.MapMeshGrpc<IdeasService>();
app.RunOrMigrate();
