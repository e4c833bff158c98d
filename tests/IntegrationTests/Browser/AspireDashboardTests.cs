using System.Diagnostics;
using ConductorMesh.Testing;
using ConductorMesh.Voting.V1;
using Microsoft.Playwright;
using StackExchange.Redis;
using static Microsoft.Playwright.Assertions;

namespace ConductorMesh.IntegrationTests.Browser;

/// <summary>The Aspire dashboard as operators use it: resources, traces and the resources' own commands.</summary>
[Collection(MeshCollection.Name)]
public sealed class AspireDashboardTests(MeshFixture mesh) : HeadlessChromium
{
    private static readonly LocatorAssertionsToHaveAttributeOptions Slowly = new() { Timeout = 60_000 };
    private readonly Scenario scenario = new(mesh);

    private async Task<IPage> LoggedInAsync(string path = "/")
    {
        var page = await NewPageAsync();
        await page.GotoAsync(mesh.System.DashboardLogin);
        await Expect(page.GetByText("Resources").First).ToBeVisibleAsync();
        if (path != "/")
        {
            await page.GotoAsync(mesh.System.DashboardUrl + path);
        }
        return page;
    }

    private static ILocator Row(IPage page, string resource) =>
        page.Locator("tr.resource-row").Filter(new() { Has = page.Locator($"td[col-index='1'][aria-label$=': {resource}']") });

    [Fact]
    public async Task Nothing_shows_without_the_login()
    {
        var page = await NewPageAsync();

        await page.GotoAsync(mesh.System.DashboardUrl);

        Assert.Contains("/login", page.Url);
        await Expect(page.Locator("tr.resource-row")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Every_resource_is_running_and_healthy()
    {
        var page = await LoggedInAsync();

        Assert.True(mesh.System.Resources.Count >= 14, $"only {mesh.System.Resources.Count} resources declared");
        foreach (var resource in mesh.System.Resources)
        {
            await Expect(Row(page, resource).Locator("td[col-index='2']")).ToHaveAttributeAsync("aria-label", "Running", Slowly);
        }
        await page.ScreenshotAsync(new() { Path = Screenshot("dashboard-resources.png") });
    }

    [Fact]
    public async Task A_vote_is_one_trace_with_its_spans_in_voting_and_postgresql()
    {
        var (_, cycle) = await scenario.OpenCycleAsync(1_000_000, Scenario.FiveK);
        var idea = await scenario.ApprovedAsync(cycle, "Traced idea", "5k", "author-traced");
        var voter = await mesh.NewMemberAsync("traced");
        // The partner's own trace, which it records and its call carries to Voting (a sampled traceparent).
        string traceId;
        using (var call = new Activity("a partner casts a vote").SetIdFormat(ActivityIdFormat.W3C).Start())
        {
            call.ActivityTraceFlags = ActivityTraceFlags.Recorded;
            traceId = call.TraceId.ToHexString();
            await mesh.Partner.Voting.CastVoteAsync(new CastVoteRequest { VoterId = voter, IdeaId = idea.Id, Channel = VoteChannel.Web });
        }
        var page = await LoggedInAsync();

        string[] spans = ["CastVote", "commit vote batch", "votingdb"];

        // The dashboard renders the page after it loads, and the spans arrive in batches from each
        // process: give each visit time to render before looking again.
        await Eventually.Get(async () =>
        {
            await page.GotoAsync($"{mesh.System.DashboardUrl}/traces/detail/{traceId}");
            try
            {
                await page.WaitForFunctionAsync("spans => spans.every(s => document.body.innerText.includes(s))", spans, new() { Timeout = 5_000 });
            }
            catch (TimeoutException)
            {
            }
            return await page.InnerTextAsync("body");
        }, text => spans.All(text.Contains), "the vote's trace with its PostgreSQL spans", seconds: 60);
        await Expect(page.GetByText("voting: POST /conductor.voting.v1.VotingApi/CastVote").First).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Screenshot("dashboard-trace.png") });
    }

    [Fact]
    public async Task A_services_environment_shows_its_key_and_passwords_masked()
    {
        var page = await LoggedInAsync();

        await Row(page, "voting").Locator("td[col-index='1']").ClickAsync();

        // The details list the variables the key and the passwords reach Voting by, without their values.
        await Expect(page.GetByText("Auth__OwnKey").First).ToBeVisibleAsync();
        await Expect(page.GetByText("ConnectionStrings__messaging").First).ToBeVisibleAsync();
        var shown = await page.InnerTextAsync("body");
        Assert.All(mesh.SecretValues(), secret => Assert.DoesNotContain(secret, shown, StringComparison.Ordinal));
        await page.ScreenshotAsync(new() { Path = Screenshot("dashboard-environment.png") });
    }

    [Fact]
    public async Task Rebuild_leaderboards_from_voting_s_menu_restores_a_flushed_board()
    {
        var (_, cycle) = await scenario.OpenCycleAsync(1_000_000, Scenario.FiveK);
        var idea = await scenario.ApprovedAsync(cycle, "Rebuilt from the dashboard", "5k", "author-rebuilt");
        await scenario.VoteAsync(idea, 2);
        var board = new GetLeaderboardRequest { CycleId = cycle.Id };
        await scenario.BoardAsync(board, (idea.Id, 2));
        await using (var redis = await ConnectionMultiplexer.ConnectAsync(await mesh.ConnectionStringAsync("redis") + ",allowAdmin=true"))
        {
            await redis.GetServers().Single().FlushAllDatabasesAsync();
        }
        // The board's first page is answered from memory for up to BoardPages.MaxAge after Redis loses it.
        await scenario.BoardAsync(board);
        var page = await LoggedInAsync();

        await Row(page, "voting").GetByRole(AriaRole.Button, new() { Name = "Actions" }).ClickAsync();
        await page.GetByRole(AriaRole.Menuitem, new() { Name = "Rebuild leaderboards" }).ClickAsync();

        await scenario.BoardAsync(board, (idea.Id, 2));
    }
}
