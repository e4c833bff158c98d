using ConductorMesh.OperatorConsole;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddOperatorConsole();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapOperatorConsole();
app.Run();
