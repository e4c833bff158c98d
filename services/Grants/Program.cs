using ConductorMesh.Grants;
using ConductorMesh.Grants.Grpc;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddGrants();

var app = builder.Build();
app.MapMeshGrpc<GrantsService>();
app.RunOrMigrate();
