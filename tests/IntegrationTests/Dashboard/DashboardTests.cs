using ConductorMesh.AppHost.Resources;
using ConductorMesh.Grants.V1;
using ConductorMesh.Voting.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ConductorMesh.IntegrationTests.Dashboard;

/// <summary>The operator dashboard in the machine's headless Chromium, against the running system.</summary>
[Collection(MeshCollection.Name)]
public sealed class DashboardTests(MeshFixture mesh) : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";
    private static readonly LocatorAssertionsToHaveTextOptions Slow = new() { Timeout = 60_000 };

    private readonly Scenario scenario = new(mesh);
    private IPlaywright playwright = null!;
    private IBrowser browser = null!;

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: ./mesh test installs Debian's chromium package");
        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });
    }

    public async Task DisposeAsync()
    {
        await browser.DisposeAsync();
        playwright.Dispose();
    }

    /// <summary>A laptop-sized page, logged in with the token ./mesh up prints.</summary>
    private async Task<IPage> LoggedInAsync()
    {
        var page = await (await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1366, Height = 768 } })).NewPageAsync();
        await page.GotoAsync(mesh.Dashboard.LoginUrl);
        return page;
    }

    private static ILocator ResourceRow(IPage page, string name) => page.Locator($"#resources tr[data-resource='{name}']");

    [Fact]
    public async Task Nothing_shows_without_the_token()
    {
        var page = await (await browser.NewContextAsync()).NewPageAsync();

        await page.GotoAsync(mesh.Dashboard.Url);
        Assert.EndsWith("/login", page.Url);
        await Expect(page.GetByText("Paste the dashboard token")).ToBeVisibleAsync();
        Assert.Equal(401, (await page.APIRequest.GetAsync($"{mesh.Dashboard.Url}/api/resources")).Status);

        await page.FillAsync("#t", "not-the-token");
        await page.ClickAsync("button[type=submit]");
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("That is not this dashboard's token.");

        await page.FillAsync("#t", mesh.Dashboard.Access.Token);
        await page.ClickAsync("button[type=submit]");
        await Expect(ResourceRow(page, "postgres")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Every_resource_reads_healthy_with_its_process()
    {
        var page = await LoggedInAsync();

        await Expect(page.Locator("#resources tbody tr")).ToHaveCountAsync(mesh.App.Resources.Count);
        foreach (var resource in mesh.App.Resources)
        {
            var row = ResourceRow(page, resource.Name);
            await Expect(row.Locator("td").Nth(2)).ToHaveTextAsync("Running");
            await Expect(row.Locator("td").Nth(4)).ToHaveTextAsync(resource.ProcessId.ToString()!);
        }
        await page.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "dashboard-resources.png") });
    }

    [Fact]
    public async Task A_restart_from_the_page_gives_a_new_process_that_comes_back_healthy()
    {
        var community = mesh.App.Resource<ProjectResource>("community");
        var before = community.ProcessId!.Value.ToString();
        var page = await LoggedInAsync();
        var pid = ResourceRow(page, "community").Locator("td").Nth(4);
        await Expect(pid).ToHaveTextAsync(before);

        await page.GetByLabel("restart community").ClickAsync();

        await Expect(pid).Not.ToHaveTextAsync(before, new() { Timeout = 60_000 });
        await Expect(pid).Not.ToHaveTextAsync("", new() { Timeout = 60_000 });
        await Expect(ResourceRow(page, "community").Locator("td").Nth(2)).ToHaveTextAsync("Running", Slow);
        Assert.NotEqual(before, community.ProcessId?.ToString());
        await Expect(ResourceRow(page, "community").Locator("td").Nth(6)).ToHaveTextAsync("0"); // asked for, not a crash
    }

    [Fact]
    public async Task Votes_cast_through_grpc_move_the_leaderboard_without_a_reload()
    {
        var (program, cycle) = await scenario.OpenCycleAsync(1_000_000, Scenario.FiveK);
        var leader = await scenario.ApprovedAsync(cycle, "Shown on the dashboard", "5k", "author-dash");
        var other = await scenario.ApprovedAsync(cycle, "Also on the dashboard", "5k", "author-dash2");
        await scenario.VoteAsync(other, 1);
        var page = await LoggedInAsync();
        await page.GetByRole(AriaRole.Tab, new() { Name = "Program" }).ClickAsync();
        await Expect(page.Locator($"#program-select option[value='{program.Id}']")).ToHaveCountAsync(1);
        await page.SelectOptionAsync("#program-select", program.Id);
        await Expect(page.Locator("#cycle-phase")).ToHaveTextAsync("Phase: SubmissionsAndVoting");
        var leaderRow = page.Locator($"#leaderboard tr[data-idea='{leader.Id}']");

        await scenario.VoteAsync(leader, 3);

        await Expect(leaderRow.Locator("td").Nth(2)).ToHaveTextAsync("3", Slow);
        await Expect(leaderRow.Locator("td").Nth(0)).ToHaveTextAsync("1");
        await Expect(leaderRow.Locator("td").Nth(1)).ToHaveTextAsync("Shown on the dashboard");
        await scenario.VoteAsync(other, 3);
        await Expect(page.Locator("#leaderboard tr").First).ToHaveAttributeAsync("data-idea", other.Id, new() { Timeout = 60_000 });
        await page.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "dashboard-program.png"), FullPage = true });
    }

    [Fact]
    public async Task A_line_a_service_prints_appears_in_its_log_view()
    {
        // Grants prints a line when its scheduler opens a vote; this one names a new cycle.
        var program = await mesh.Grants.CreateProgramAsync(new CreateProgramRequest { Name = "Logged", BudgetMinor = 1_000_000 });
        var request = new OpenCycleRequest { ProgramId = program.Id, Name = "logged", VotingOpensAt = Timestamp.FromDateTime(DateTime.UtcNow.AddSeconds(1)) };
        request.Tiers.Add(Scenario.FiveK);
        var cycle = await mesh.Grants.OpenCycleAsync(request);
        var page = await LoggedInAsync();
        await page.GetByRole(AriaRole.Tab, new() { Name = "Logs" }).ClickAsync();
        await page.SelectOptionAsync("#log-resource", "grants");
        await page.FillAsync("#log-filter", cycle.Id);

        await Expect(page.Locator("#log")).ToContainTextAsync($"Cycle {cycle.Id}: OpenVoting on schedule", new() { Timeout = 60_000 });
        await page.FillAsync("#log-filter", "");
        await Expect(page.Locator("#log")).ToContainTextAsync("Now listening on"); // from the first line on
    }
}
