using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ConductorMesh.IntegrationTests.Browser;

/// <summary>The operator console, reached from its link in the Aspire dashboard.</summary>
[Collection(MeshCollection.Name)]
public sealed class OperatorConsoleTests(MeshFixture mesh) : HeadlessChromium
{
    private static readonly LocatorAssertionsToHaveTextOptions Slowly = new() { Timeout = 60_000 };
    private readonly Scenario scenario = new(mesh);

    private string LoginLink => mesh.ConsoleLoginLink;

    private string Home => LoginLink[..LoginLink.IndexOf("/login", StringComparison.Ordinal)];

    [Fact]
    public async Task Nothing_shows_without_the_login()
    {
        var page = await NewPageAsync();

        await page.GotoAsync(Home);
        Assert.EndsWith("/login", page.Url);
        Assert.Equal(401, (await page.APIRequest.GetAsync($"{Home}/api/program")).Status);
        await page.FillAsync("#t", "not-the-login");
        await page.ClickAsync("button[type=submit]");
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("That is not this console's login.");

        await page.GotoAsync(LoginLink);
        await Expect(page.GetByRole(AriaRole.Tab, new() { Name = "Program" })).ToBeVisibleAsync();
        Assert.Equal(200, (await page.APIRequest.GetAsync($"{Home}/api/program")).Status);
    }

    [Fact]
    public async Task The_chart_and_the_leaderboard_move_when_votes_arrive()
    {
        var (program, cycle) = await scenario.OpenCycleAsync(1_000_000, Scenario.FiveK);
        var leader = await scenario.ApprovedAsync(cycle, "Shown in the console", "5k", "author-console");
        var other = await scenario.ApprovedAsync(cycle, "Also in the console", "5k", "author-console2");
        await scenario.VoteAsync(other, 1);
        var page = await NewPageAsync();
        await page.GotoAsync(LoginLink);
        await Expect(page.Locator($"#program-select option[value='{program.Id}']")).ToHaveCountAsync(1, new() { Timeout = 30_000 });
        await page.SelectOptionAsync("#program-select", program.Id);
        await Expect(page.Locator("#cycle-phase")).ToHaveTextAsync("Phase: SubmissionsAndVoting");
        var bars = page.Locator("#votes-chart rect");
        await Expect(bars).ToHaveCountAsync(30);
        // The chart's last 30 minutes together, so a minute turning over does not matter.
        Task<int> ChartedAsync() => page.EvalOnSelectorAllAsync<int>("#votes-chart rect", "bars => bars.reduce((n, b) => n + Number(b.dataset.votes), 0)");
        var before = await ChartedAsync();
        var leaderRow = page.Locator($"#leaderboard tr[data-idea='{leader.Id}']");

        await scenario.VoteAsync(leader, 3);

        await Expect(leaderRow.Locator("td").Nth(2)).ToHaveTextAsync("3", Slowly);
        await Expect(leaderRow.Locator("td").Nth(0)).ToHaveTextAsync("1");
        await Expect(leaderRow.Locator(".bar")).ToHaveAttributeAsync("style", "width: 100%;");
        await Eventually.Get(ChartedAsync, votes => votes >= before + 3, "the chart to count the three votes");
        await Expect(page.Locator("#ledger-bar span")).ToHaveCountAsync(4);
        await page.ScreenshotAsync(new() { Path = Screenshot("console-program.png"), FullPage = true });
    }
}
