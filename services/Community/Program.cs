using ConductorMesh.Community;
using ConductorMesh.Community.Grpc;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddCommunity();

var app = builder.Build();
app.MapMeshGrpc<CommunityService>();
app.RunOrMigrate();
