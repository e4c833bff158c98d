using System.Text.Json;
using ConductorMesh.AppHost.Hosting;
using ConductorMesh.AppHost.Resources;
using ConductorMesh.Grants.V1;
using ConductorMesh.Ideas.V1;
using ConductorMesh.ServiceDefaults.Auth;
using ConductorMesh.Voting.V1;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ConductorMesh.AppHost.Dashboard;

/// <summary>
/// The operator dashboard, served by the AppHost as Aspire's is: resources and their actions,
/// logs, the program with live leaderboards, the bus, and where telemetry goes.
/// </summary>
public sealed class DashboardServer : IAsyncDisposable
{
    private readonly WebApplication web;
    private readonly VoteRate votes;
    private readonly List<GrpcChannel> channels;

    private DashboardServer(WebApplication web, VoteRate votes, List<GrpcChannel> channels, DashboardAccess access, string url) =>
        (this.web, this.votes, this.channels, Access, Url) = (web, votes, channels, access, url);

    /// <summary>How to see the services' traces, metrics and logs; shown on the page and by ./mesh up.</summary>
    public const string TelemetryHowTo =
        "Start the standalone Aspire dashboard (docker run -p 18889:18889 -p 4317:18889 mcr.microsoft.com/dotnet/aspire-dashboard), "
        + "then run OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4317 ./mesh up: every service sends its traces, metrics and logs there.";

    public DashboardAccess Access { get; }

    public string Url { get; }

    /// <summary>The address that logs in: what <c>./mesh up</c> prints.</summary>
    public string LoginUrl => $"{Url}/login?t={Access.Token}";

    public static async Task<DashboardServer> StartAsync(DistributedApplication app, CancellationToken ct)
    {
        var url = $"http://localhost:{app.Settings.Port("dashboard")}";
        var access = new DashboardAccess();
        var votes = new VoteRate();
        await votes.StartAsync(app.Resource<RabbitMqBroker>("messaging").ConnectionString, ct);
        var operatorToken = new SelfIssuedToken(app.Settings.SigningKey, MeshClaims.Roles.Operator, "dashboard");
        GrpcChannel Channel(string service) => app.Resource<ProjectResource>(service).ChannelAs(operatorToken);
        var channels = new List<GrpcChannel> { Channel("grants"), Channel("ideas"), Channel("voting") };

        var builder = WebApplication.CreateSlimBuilder();
        // Nothing of the services' settings (their appsettings.json sit beside the AppHost's build): plain HTTP/1.1 and 2 for browsers.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection();
        builder.WebHost.UseUrls(url);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(app);
        builder.Services.AddSingleton(access);
        builder.Services.AddSingleton(votes);
        builder.Services.AddSingleton(new GrantsApi.GrantsApiClient(channels[0]));
        builder.Services.AddSingleton(new IdeasApi.IdeasApiClient(channels[1]));
        builder.Services.AddSingleton(new VotingApi.VotingApiClient(channels[2]));
        builder.Services.AddSingleton<ProgramView>();
        builder.Services.AddSingleton<BusView>();
        var web = builder.Build();
        web.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/login") || access.Allows(context))
            {
                await next(context);
            }
            else if (context.Request.Path.StartsWithSegments("/api"))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            }
            else
            {
                context.Response.Redirect("/login");
            }
        });
        Map(web);
        await web.StartAsync(ct);
        return new DashboardServer(web, votes, channels, access, url);
    }

    private static void Map(WebApplication web)
    {
        web.MapGet("/login", (HttpContext context, DashboardAccess access, string? t) =>
        {
            if (t is null)
            {
                return Page("login.html");
            }
            if (!access.Matches(t))
            {
                return Results.Content(Asset("login.html").Replace("<!--problem-->", "<p class=\"problem\" role=\"alert\">That is not this dashboard's token.</p>"),
                    "text/html", statusCode: StatusCodes.Status401Unauthorized);
            }
            access.LogIn(context);
            return Results.Redirect("/");
        });
        web.MapGet("/", () => Page("index.html"));
        web.MapGet("/app.js", () => Results.Content(Asset("app.js"), "text/javascript"));
        web.MapGet("/app.css", () => Results.Content(Asset("app.css"), "text/css"));

        // Health as the AppHost's monitor last read it: the page's polling adds no health checks of its own.
        web.MapGet("/api/resources", (DistributedApplication app) =>
            app.Resources.Select(r => new
            {
                r.Name, r.Kind, state = r.State.ToString(), healthy = r.State == ResourceState.Running, r.Endpoint, pid = r.ProcessId, r.Restarts,
                uptimeSeconds = r.StartedAt is { } started && r.ProcessId is not null ? (long)(DateTime.UtcNow - started).TotalSeconds : (long?)null,
            }));
        web.MapPost("/api/resources/{name}/{action}", async (DistributedApplication app, string name, string action) =>
        {
            if (app.Resources.FirstOrDefault(r => r.Name == name) is not { } resource)
            {
                return Results.NotFound(new { problem = $"No resource is named {name}." });
            }
            // Runs on after the request: a restart takes as long as the resource needs to become healthy.
            _ = action switch
            {
                "stop" => resource.StopAsync(),
                "start" => resource.StartAsync(CancellationToken.None),
                "restart" => RestartAsync(resource),
                _ => null,
            } ?? throw new BadHttpRequestException($"Unknown action {action}; use stop, start or restart.");
            return Results.Accepted();
        });
        web.MapGet("/api/logs/{name}", async (DistributedApplication app, string name, int? from, CancellationToken ct) =>
        {
            if (app.Resources.FirstOrDefault(r => r.Name == name) is not { } resource)
            {
                return Results.NotFound();
            }
            var lines = File.Exists(resource.LogPath) ? await ReadSharedAsync(resource.LogPath, ct) : [];
            var start = Math.Clamp(from ?? 0, 0, lines.Length);
            return Results.Ok(new { lines = lines[start..], next = lines.Length });
        });
        web.MapGet("/api/program", async (ProgramView view, string? program, CancellationToken ct) => Results.Ok(await view.ReadAsync(program, ct)));
        web.MapGet("/api/bus", async (BusView view, CancellationToken ct) => Results.Ok(await view.ReadAsync(ct)));
        web.MapGet("/api/telemetry", () => Results.Ok(new
        {
            otlpEndpoint = Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT") ?? "",
            howTo = TelemetryHowTo,
        }));
        web.MapGet("/api/leaderboard", LeaderboardStreamAsync);
    }

    /// <summary>Relays Voting's WatchLeaderboard stream to the page as server-sent events, as an operator (the dashboard's token: hidden standings included).</summary>
    private static async Task LeaderboardStreamAsync(
        HttpContext context, VotingApi.VotingApiClient voting, IdeasApi.IdeasApiClient ideas, DistributedApplication app, string cycle, string? tier, string? category)
    {
        context.Response.ContentType = "text/event-stream";
        var request = new GetLeaderboardRequest { CycleId = cycle, Tier = tier ?? "", Top = 10 };
        if (!string.IsNullOrEmpty(category) && Enum.TryParse<Category>(category, out var c))
        {
            request.Category = c;
        }
        try
        {
            using var watch = voting.WatchLeaderboard(request, cancellationToken: context.RequestAborted);
            await foreach (var board in watch.ResponseStream.ReadAllAsync(context.RequestAborted))
            {
                var entries = new List<object>();
                foreach (var e in board.Entries)
                {
                    entries.Add(new { e.IdeaId, title = await TitleAsync(ideas, e.IdeaId), e.Votes, e.Rank });
                }
                await context.Response.WriteAsync($"data: {JsonSerializer.Serialize(entries, JsonSerializerOptions.Web)}\n\n", context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
        }
        catch (Exception e) when (e is OperationCanceledException || e is RpcException { StatusCode: StatusCode.Cancelled })
        {
            // The page went away.
        }
        catch (RpcException e)
        {
            await context.Response.WriteAsync($"event: problem\ndata: {JsonSerializer.Serialize(e.Status.Detail)}\n\n");
        }
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Titles = new();

    private static async Task<string> TitleAsync(IdeasApi.IdeasApiClient ideas, string ideaId)
    {
        if (!Titles.TryGetValue(ideaId, out var title))
        {
            title = (await ideas.GetIdeaAsync(new GetIdeaRequest { IdeaId = ideaId })).Title;
            Titles[ideaId] = title;
        }
        return title;
    }

    private static async Task RestartAsync(Resource resource)
    {
        await resource.StopAsync();
        await resource.StartAsync(CancellationToken.None);
    }

    /// <summary>A log file the running process still writes to.</summary>
    private static async Task<string[]> ReadSharedAsync(string path, CancellationToken ct)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        var text = await reader.ReadToEndAsync(ct);
        var lines = text.Split('\n');
        return text.EndsWith('\n') ? lines[..^1] : lines;
    }

    private static IResult Page(string name) => Results.Content(Asset(name), "text/html");

    private static string Asset(string name)
    {
        using var stream = typeof(DashboardServer).Assembly.GetManifestResourceStream($"dashboard/{name}")!;
        return new StreamReader(stream).ReadToEnd();
    }

    public async ValueTask DisposeAsync()
    {
        await web.StopAsync();
        await web.DisposeAsync();
        await votes.DisposeAsync();
        foreach (var channel in channels)
        {
            channel.Dispose();
        }
    }
}
