using System.Net;
using System.Net.Sockets;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace KestrelEcho.Deploy.Tests.Dashboard;

/// <summary>
/// The dashboard in a real headless Chromium against the real service, with real TCP clients of the echo port.
/// Assertions go through the page's DOM, waiting with Playwright's expectations, never sleeping.
/// </summary>
[Requires(DashboardBrowser.Package)]
public sealed class DashboardBrowserTests(EchoAppFactory app) : EchoAppTest<EchoAppFactory>(app)
{
    /// <summary>The issue's promise: a new client shows within 2 s (the feed ticks once a second).</summary>
    private static readonly LocatorAssertionsToBeVisibleOptions s_withinTwoSeconds = new() { Timeout = 2_000 };

    private static readonly string[] s_sortColumns = ["Client", "Age", "Idle", "Received", "Sent"];

    [Fact]
    public async Task Page_LoadsLive_WithoutConsoleErrorsOrFailedRequests_AndAxeFindsNothingSerious()
    {
        using var timeout = TestTimeout.Start();
        using (var closed = await App.ConnectEchoAsync(timeout.Token))
        {
            await closed.AssertHolaMundoEchoedAsync(timeout.Token);
        }

        using var client = await App.ConnectEchoAsync(timeout.Token);
        await using var browser = await DashboardBrowser.OpenAsync(Address());
        await using var traffic = EchoTraffic.Start(client);

        await Expect(browser.Page.Locator("#feed-status")).ToHaveTextAsync("Live");
        await Expect(browser.ConnectionRow(LocalPort(client))).ToBeVisibleAsync();
        await Expect(browser.Page.Locator("#throughput-chart canvas")).ToBeVisibleAsync();
        await Expect(browser.Page.Locator("#recent-table tbody tr").First).ToBeVisibleAsync();
        var axe = await browser.Page.RunAxe();
        await browser.Page.ScreenshotAsync(new() { Path = RepositoryFiles.PathOf("TestResults/dashboard.png"), FullPage = true });

        Assert.Empty(browser.ConsoleErrors);
        Assert.Empty(browser.FailedRequests);
        var serious = axe.Violations.Where(static violation => violation.Impact is "serious" or "critical").Select(Describe).ToList();
        Assert.True(serious.Count == 0, $"axe: {string.Join("\n", serious)}");
    }

    [Fact]
    public async Task TestClient_AppearsWithinTwoSeconds_AndLeavesAfterItCloses()
    {
        using var timeout = TestTimeout.Start();
        await using var browser = await DashboardBrowser.OpenAsync(Address());
        await Expect(browser.Page.Locator("#feed-status")).ToHaveTextAsync("Live");

        int port;
        using (var client = await App.ConnectEchoAsync(timeout.Token))
        {
            port = LocalPort(client);
            await Expect(browser.ConnectionRow(port)).ToBeVisibleAsync(s_withinTwoSeconds);
            await Expect(browser.ConnectionRow(port).Locator("td").Nth(2)).ToHaveTextAsync("echo");
            client.Shutdown(SocketShutdown.Send);
            await client.ReceiveToEndAsync(timeout.Token);
        }

        await Expect(browser.ConnectionRow(port)).ToHaveCountAsync(0);
        await Expect(browser.Page.Locator("#recent-table tbody tr").Filter(new() { HasText = $"127.0.0.1:{port}" })).ToContainTextAsync("client_closed");
    }

    [Fact]
    public async Task Chart_Moves_WhileBytesFlow()
    {
        using var timeout = TestTimeout.Start();
        using var client = await App.ConnectEchoAsync(timeout.Token);
        await using var browser = await DashboardBrowser.OpenAsync(Address());
        var canvas = browser.Page.Locator("#throughput-chart canvas");
        await Expect(canvas).ToBeVisibleAsync();
        var before = await canvas.EvaluateAsync<string>("canvas => canvas.toDataURL()");

        await using var traffic = EchoTraffic.Start(client);

        await Expect(browser.Page.Locator("#rate-bytes-in")).Not.ToHaveTextAsync("0 B/s");
        await Expect(browser.Page.Locator("#rate-bytes-out")).Not.ToHaveTextAsync("0 B/s");
        await Poll.UntilAsync(
            async () => await canvas.EvaluateAsync<string>("canvas => canvas.toDataURL()") != before,
            TimeSpan.FromSeconds(10),
            "the throughput chart to draw something new");
        Assert.True(traffic.Echoed > 0);
    }

    [Fact]
    public async Task CloseButton_ClosesTheConnection_AsAdminClosed()
    {
        using var timeout = TestTimeout.Start();
        using var client = await App.ConnectEchoAsync(timeout.Token);
        await client.AssertHolaMundoEchoedAsync(timeout.Token);
        await using var browser = await DashboardBrowser.OpenAsync(Address());
        var row = browser.ConnectionRow(LocalPort(client));

        await row.GetByRole(AriaRole.Button, new() { Name = "Close connection" }).ClickAsync();

        // The service's FIN: the connection is closed from its end.
        Assert.Empty(await client.ReceiveUntilClosedAsync(timeout.Token));
        await Expect(row).ToHaveCountAsync(0);
        using var http = App.CreateClient();
        var id = await http.ClosedConnectionIdAsync(client, timeout.Token);
        var closed = await http.GetJsonAsync($"/connections/{id}", timeout.Token);
        Assert.Equal("admin_closed", closed.GetProperty("closeReason").GetString());
    }

    [Fact]
    public async Task Keyboard_ReachesEverySortHeaderAndTheCloseButton_AndEnterSorts()
    {
        using var timeout = TestTimeout.Start();
        using var client = await App.ConnectEchoAsync(timeout.Token);
        await using var browser = await DashboardBrowser.OpenAsync(Address());
        await Expect(browser.ConnectionRow(LocalPort(client))).ToBeVisibleAsync();

        // Tab from the top of the page, as a keyboard user would, noting each control that takes the focus.
        var reached = new List<string>();
        for (var press = 0; press < 60; press++)
        {
            await browser.Page.Keyboard.PressAsync("Tab");
            reached.Add(await browser.Page.EvaluateAsync<string>(
                "() => { const e = document.activeElement; return `${e.tagName} ${e.getAttribute('aria-label') ?? e.textContent.trim()}`; }"));
        }

        foreach (var column in s_sortColumns)
        {
            Assert.Contains($"BUTTON {column}", reached);
        }

        Assert.Contains(reached, static control => control.StartsWith("BUTTON Close connection ", StringComparison.Ordinal));
        var received = browser.Page.GetByRole(AriaRole.Button, new() { Name = "Received", Exact = true });
        await received.FocusAsync();
        await browser.Page.Keyboard.PressAsync("Enter");
        await Expect(browser.Page.Locator("th[data-sort=bytesIn]")).ToHaveAttributeAsync("aria-sort", "descending");
        var unlabelled = await browser.Page.EvaluateAsync<string[]>(
            "() => [...document.querySelectorAll('input, select')].filter(e => e.labels.length === 0).map(e => e.id || e.name)");
        Assert.Empty(unlabelled);
    }

    private Uri Address() => new($"http://{App.HttpEndPoint}/");

    private static int LocalPort(Socket client) => ((IPEndPoint)client.LocalEndPoint!).Port;

    private static string Describe(AxeResultItem violation) =>
        $"{violation.Impact} {violation.Id}: {violation.Help} ({string.Join(", ", violation.Nodes.Select(static node => node.Html))})";
}
