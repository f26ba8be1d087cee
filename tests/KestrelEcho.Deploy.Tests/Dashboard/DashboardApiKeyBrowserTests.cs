using static Microsoft.Playwright.Assertions;

namespace KestrelEcho.Deploy.Tests.Dashboard;

/// <summary>With <c>Admin:ApiKey</c> set, the page asks for the key in a labelled form and keeps it for the tab only.</summary>
[Requires(DashboardBrowser.Package)]
public sealed class DashboardApiKeyBrowserTests() : ConfiguredAppTest(("Admin:ApiKey", Key))
{
    private const string Key = "kestrel-echo-browser-key-9d2e";

    [Fact]
    public async Task KeyForm_RefusesAWrongKey_ThenTheRightOneOpensTheLiveDashboard()
    {
        await using var browser = await DashboardBrowser.OpenAsync(new Uri($"http://{App.HttpEndPoint}/"));
        var key = browser.Page.GetByLabel("API key", new() { Exact = true });
        await Expect(key).ToBeVisibleAsync();
        await Expect(key).ToBeFocusedAsync();
        await Expect(browser.Page.Locator("#dashboard")).ToBeHiddenAsync();

        await key.FillAsync("not-the-key-but-long-enough");
        await key.PressAsync("Enter");
        await Expect(browser.Page.GetByRole(Microsoft.Playwright.AriaRole.Alert)).ToHaveTextAsync("That key was refused.");

        await key.FillAsync(Key);
        await key.PressAsync("Enter");
        await Expect(browser.Page.Locator("#feed-status")).ToHaveTextAsync("Live");
        await Expect(browser.Page.Locator("#dashboard")).ToBeVisibleAsync();
        await Expect(browser.Page.Locator("#key-section")).ToBeHiddenAsync();

        // Kept for the tab only: nothing in localStorage or cookies, which would outlive it.
        Assert.Equal(Key, await browser.Page.EvaluateAsync<string>("() => sessionStorage.getItem('kestrel-echo.api-key')"));
        Assert.Equal(0, await browser.Page.EvaluateAsync<int>("() => localStorage.length"));
        Assert.Empty(await browser.Page.Context.CookiesAsync());
    }
}
