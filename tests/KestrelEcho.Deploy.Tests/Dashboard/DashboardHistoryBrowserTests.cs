using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace KestrelEcho.Deploy.Tests.Dashboard;

/// <summary>
/// The history search in a real headless Chromium against the service's SQLite history: a filter the page offers
/// (transport), keyset pages through "More", and the same search saved as CSV. Each test has an app of its own, so
/// the history holds only its connections.
/// </summary>
[Requires(DashboardBrowser.Package)]
public sealed class DashboardHistoryBrowserTests() : ConfiguredAppTest
{
    private const int TcpConnections = 3;

    [Fact]
    public async Task Search_ByTransport_PagesThroughMore_AndTheCsvHasOneLinePerConnection()
    {
        using var timeout = TestTimeout.Start();
        using var http = App.CreateClient();
        var ids = new List<string>();
        for (var i = 0; i < TcpConnections; i++)
        {
            using var client = await App.ConnectEchoAsync(timeout.Token);
            await client.AssertHolaMundoEchoedAsync(timeout.Token);
            client.Shutdown(SocketShutdown.Send);
            await client.ReceiveToEndAsync(timeout.Token);
            ids.Add(await http.ClosedConnectionIdAsync(client, timeout.Token));
        }

        // One closed WebSocket session too, which the transport filter must leave out.
        using (var webSocket = await App.ConnectEchoWebSocketAsync(timeout.Token))
        {
            await webSocket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
        }

        await Poll.UntilAsync(
            async () => (await http.GetJsonAsync("/connections/history", timeout.Token)).GetProperty("connections").GetArrayLength() == TcpConnections + 1,
            TimeSpan.FromSeconds(10),
            "every closed connection in /connections/history");

        await using var browser = await DashboardBrowser.OpenAsync(new Uri($"http://{App.HttpEndPoint}/"));
        var page = browser.Page;
        var form = page.Locator("#history-form");
        await form.GetByLabel("Transport", new() { Exact = true }).SelectOptionAsync("tcp");
        await form.GetByLabel("Reason", new() { Exact = true }).SelectOptionAsync("client_closed");
        await form.GetByLabel("Rows", new() { Exact = true }).FillAsync("2");
        await form.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();

        var rows = page.Locator("#history-table tbody tr");
        var more = page.GetByRole(AriaRole.Button, new() { Name = "More", Exact = true });
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(more).ToBeVisibleAsync();
        await more.ClickAsync();
        await Expect(rows).ToHaveCountAsync(TcpConnections);
        await Expect(more).ToBeHiddenAsync();
        await Expect(page.Locator("#history-message")).ToHaveTextAsync($"{TcpConnections} connections.");
        var listed = await rows.EvaluateAllAsync<string[]>("rows => rows.map(row => row.cells[2].textContent)");
        Assert.Equal(Enumerable.Reverse(ids), listed);
        Assert.All(await rows.EvaluateAllAsync<string[]>("rows => rows.map(row => row.cells[4].textContent)"), static transport => Assert.Equal("tcp", transport));

        var download = await page.RunAndWaitForDownloadAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Download CSV" }).ClickAsync());
        Assert.Equal("connections.csv", download.SuggestedFilename);
        var lines = (await File.ReadAllLinesAsync(await download.PathAsync(), timeout.Token)).Where(static line => line.Length > 0).ToList();
        Assert.StartsWith("id,stage,transport,remoteAddress,remotePort,", lines[0], StringComparison.Ordinal);
        Assert.Equal(ids.Order(StringComparer.Ordinal), lines.Skip(1).Select(static line => line.Split(',')[0]).Order(StringComparer.Ordinal));
        Assert.All(lines.Skip(1), static line => Assert.Equal("tcp", line.Split(',')[2]));
        Assert.Empty(browser.ConsoleErrors);
        Assert.Empty(browser.FailedRequests);
    }
}
