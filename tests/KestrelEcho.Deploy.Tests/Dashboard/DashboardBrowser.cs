using Microsoft.Playwright;

namespace KestrelEcho.Deploy.Tests.Dashboard;

/// <summary>
/// Debian's Chromium, headless, driven by Playwright (its bundled driver; no browser of its own is downloaded), with
/// one page open on the dashboard. It records what the page logged as errors and which requests failed.
/// </summary>
internal sealed class DashboardBrowser : IAsyncDisposable
{
    public const string Package = "chromium";

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private DashboardBrowser(IPlaywright playwright, IBrowser browser, IPage page)
    {
        _playwright = playwright;
        _browser = browser;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                ConsoleErrors.Add(message.Text);
            }
        };
        page.PageError += (_, error) => ConsoleErrors.Add(error);
        page.RequestFailed += (_, request) => FailedRequests.Add($"{request.Method} {request.Url}: {request.Failure}");
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                FailedRequests.Add($"{response.Request.Method} {response.Url}: {response.Status}");
            }
        };
    }

    public IPage Page { get; }

    public List<string> ConsoleErrors { get; } = [];

    public List<string> FailedRequests { get; } = [];

    /// <summary>Opens <paramref name="baseAddress"/> (the service's HTTP or management endpoint) in a fresh headless Chromium.</summary>
    public static async Task<DashboardBrowser> OpenAsync(Uri baseAddress)
    {
        var executable = RequiredTool.Locate("chromium", Package);
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = executable, Headless = true });
            var page = await browser.NewPageAsync(new() { BaseURL = baseAddress.ToString(), ViewportSize = new() { Width = 1400, Height = 1400 } });
            var opened = new DashboardBrowser(playwright, browser, page);
            await page.GotoAsync("/");
            return opened;
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>The row of the live connections table for the client connected from <paramref name="clientPort"/>.</summary>
    public ILocator ConnectionRow(int clientPort) =>
        Page.Locator("#connections-table tbody tr").Filter(new() { HasText = $"127.0.0.1:{clientPort}" });

    public async ValueTask DisposeAsync()
    {
        await _browser.CloseAsync();
        _playwright.Dispose();
    }
}
