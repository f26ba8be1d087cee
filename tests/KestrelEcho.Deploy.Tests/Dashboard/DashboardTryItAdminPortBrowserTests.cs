using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace KestrelEcho.Deploy.Tests.Dashboard;

/// <summary>
/// With <c>Admin:Port</c> set the page comes from the management port and the WebSocket echo stays on the HTTP port:
/// the "try it" box finds it through <c>GET /dashboard/config</c>.
/// </summary>
[Requires(DashboardBrowser.Package)]
public sealed class DashboardTryItAdminPortBrowserTests() : ConfiguredAppTest(("Admin:Port", "0"))
{
    [Fact]
    public async Task TryIt_FromTheManagementPort_EchoesThroughTheHttpPort()
    {
        using var timeout = TestTimeout.Start();
        using var admin = App.CreateAdminClient();
        await using var browser = await DashboardBrowser.OpenAsync(new Uri($"http://{App.AdminEndPoint}/"));
        var input = browser.Page.GetByLabel("Text to echo", new() { Exact = true });

        await input.FillAsync(DashboardTryItBrowserTests.Text);
        await input.PressAsync("Enter");

        await Expect(browser.Page.Locator("#tryit-reply")).ToHaveTextAsync(DashboardTryItBrowserTests.Text);
        var session = await DashboardTryItBrowserTests.WebSocketSessionAsync(admin, timeout.Token);
        var listed = await admin.GetJsonAsync($"/connections/{session}", timeout.Token);
        Assert.Equal(App.HttpEndPoint.Port, int.Parse(listed.GetProperty("localEndPoint").GetString()!.Split(':')[^1], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Empty(browser.ConsoleErrors);
        Assert.Empty(browser.FailedRequests);
    }
}
