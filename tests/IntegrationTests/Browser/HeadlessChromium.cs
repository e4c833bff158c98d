using Microsoft.Playwright;

namespace ConductorMesh.IntegrationTests.Browser;

/// <summary>The machine's Chromium, headless, driven by Playwright: one per test class.</summary>
public abstract class HeadlessChromium : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";
    private IPlaywright playwright = null!;
    private IBrowser browser = null!;

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: ./mesh test installs Debian's chromium package");
        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    public async Task DisposeAsync()
    {
        await browser.DisposeAsync();
        playwright.Dispose();
    }

    /// <summary>A fresh, laptop-sized page with no cookies.</summary>
    protected async Task<IPage> NewPageAsync() =>
        await (await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1440, Height = 900 } })).NewPageAsync();

    /// <summary>Where screenshots go: beside the tests' output, for a look after a run (and for the README).</summary>
    protected static string Screenshot(string name) => Path.Combine(AppContext.BaseDirectory, name);
}
