using System.Text.Json;
using ConductorMesh.Ideas.V1;
using ConductorMesh.OperatorConsole.Access;
using ConductorMesh.OperatorConsole.Views;
using ConductorMesh.ServiceDefaults.Messaging;
using ConductorMesh.Voting.V1;
using Grpc.Core;

namespace ConductorMesh.OperatorConsole;

public static class ConsoleEndpoints
{
    /// <summary>The pages (wwwroot) behind the login, and the JSON and event streams they read.</summary>
    public static WebApplication MapOperatorConsole(this WebApplication app)
    {
        app.UseConsoleLogin();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.MapGet("/api/program", async (ProgramView view, string? program, CancellationToken ct) =>
            Results.Ok(await view.ReadAsync(program, ct)));
        app.MapGet("/api/votes", (VoteRate votes) => Results.Ok(new
        {
            perSecond = votes.PerSecond,
            perMinute = votes.PerMinute().Select(m => new { minute = m.Minute, m.Votes }),
        }));
        app.MapGet("/api/bus", async (BusView view, CancellationToken ct) => Results.Ok(await view.ReadAsync(ct)));
        app.MapPost("/api/bus/replay", async (FailedEvents failed, string queue, CancellationToken ct) =>
        {
            try
            {
                return Results.Ok(new { queue, replayed = await failed.ReplayAsync(queue, ct) });
            }
            catch (ArgumentException e)
            {
                return Results.BadRequest(new { problem = e.Message });
            }
        });
        app.MapGet("/api/leaderboard", LeaderboardStreamAsync);
        return app;
    }

    /// <summary>
    /// Relays Voting's WatchLeaderboard stream to the page as server-sent events, as an operator
    /// (hidden standings included).
    /// </summary>
    private static async Task LeaderboardStreamAsync(HttpContext context, VotingApi.VotingApiClient voting, IdeaTitles titles,
        string cycle, string? tier, string? category)
    {
        context.Response.ContentType = "text/event-stream";
        var request = new GetLeaderboardRequest { CycleId = cycle, Tier = tier ?? "", Top = 10 };
        if (!string.IsNullOrEmpty(category) && Enum.TryParse<Category>(category, out var c))
        {
            request.Category = c;
        }
        var ct = context.RequestAborted;
        try
        {
            using var watch = voting.WatchLeaderboard(request, cancellationToken: ct);
            await foreach (var board in watch.ResponseStream.ReadAllAsync(ct))
            {
                var entries = new List<object>();
                foreach (var e in board.Entries)
                {
                    entries.Add(new { e.IdeaId, title = await titles.OfAsync(e.IdeaId, ct), e.Votes, e.Rank });
                }
                await context.Response.WriteAsync($"data: {JsonSerializer.Serialize(entries, JsonSerializerOptions.Web)}\n\n", ct);
                await context.Response.Body.FlushAsync(ct);
            }
        }
        catch (Exception e) when (e is OperationCanceledException || e is RpcException { StatusCode: StatusCode.Cancelled })
        {
            // The page went away.
        }
        catch (RpcException e)
        {
            await context.Response.WriteAsync($"event: problem\ndata: {JsonSerializer.Serialize(e.Status.Detail)}\n\n", CancellationToken.None);
        }
    }
}
