using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace KestrelEcho.Deploy.Tests.Dashboard;

/// <summary>
/// The "try it" box in a real headless Chromium: text through the WebSocket echo, typed into its labelled input, sent
/// with the button and with Enter; the open session checked through <c>/connections</c>, not through the page.
/// </summary>
[Requires(DashboardBrowser.Package)]
public sealed class DashboardTryItBrowserTests(EchoAppFactory app) : EchoAppTest<EchoAppFactory>(app)
{
    /// <summary>Non-ASCII on purpose: the page sends text messages, UTF-8 on the wire.</summary>
    internal const string Text = "Hola mundo ¿qué tal? ✓";

    [Fact]
    public async Task TryIt_EchoesTypedText_ByButtonAndEnter_OnOneWebSocketSession_ThenDisconnects()
    {
        using var timeout = TestTimeout.Start();
        using var http = App.CreateClient();
        await using var browser = await DashboardBrowser.OpenAsync(new Uri($"http://{App.HttpEndPoint}/"));
        var input = browser.Page.GetByLabel("Text to echo", new() { Exact = true });
        var reply = browser.Page.Locator("#tryit-reply");

        await input.FillAsync(Text);
        await browser.Page.GetByRole(AriaRole.Button, new() { Name = "Send over WebSocket" }).ClickAsync();
        await Expect(reply).ToHaveTextAsync(Text);
        var session = await WebSocketSessionAsync(http, timeout.Token);

        await input.FillAsync($"¡Otra vez! {Text}");
        await input.PressAsync("Enter");
        await Expect(reply).ToHaveTextAsync($"¡Otra vez! {Text}");
        Assert.Equal(session, await WebSocketSessionAsync(http, timeout.Token));

        await browser.Page.GetByRole(AriaRole.Button, new() { Name = "Disconnect" }).ClickAsync();
        await Poll.UntilAsync(
            async () => (await WebSocketSessionsAsync(http, "/connections", timeout.Token)).Count == 0,
            TimeSpan.FromSeconds(10),
            "the try-it WebSocket session to leave /connections");
        Assert.Contains(session, await WebSocketSessionsAsync(http, "/connections/recent", timeout.Token));
        await Expect(browser.Page.Locator("#tryit-status")).ToHaveTextAsync("Disconnected.");
        Assert.Empty(browser.ConsoleErrors);
        Assert.Empty(browser.FailedRequests);
    }

    /// <summary>The one WebSocket session <c>/connections</c> lists, once it does.</summary>
    internal static async Task<string> WebSocketSessionAsync(HttpClient http, CancellationToken cancellationToken)
    {
        List<string> sessions = [];
        await Poll.UntilAsync(
            async () => (sessions = await WebSocketSessionsAsync(http, "/connections", cancellationToken)).Count == 1,
            TimeSpan.FromSeconds(10),
            () => $"one WebSocket session in /connections (listed: {string.Join(", ", sessions)})");
        return sessions[0];
    }

    private static async Task<List<string>> WebSocketSessionsAsync(HttpClient http, string path, CancellationToken cancellationToken)
    {
        var listed = await http.GetJsonAsync(path, cancellationToken);
        return [.. listed.GetProperty("connections").EnumerateArray()
            .Where(static connection => connection.GetProperty("transport").GetString() == "websocket")
            .Select(static connection => connection.GetProperty("id").GetString()!)];
    }
}
