using System.Net;
using KestrelEcho.Testing;
using KestrelEcho.Tests.Infrastructure;

namespace KestrelEcho.Tests.Echo;

/// <summary>
/// A flood of refusals writes one summary line per close reason per <c>Echo:RefusalLogInterval</c>, and is kept in a
/// ring of its own, so it pushes neither the log nor <c>/connections/recent</c> out of sight; the metrics count every
/// refusal exactly.
/// </summary>
public sealed class RefusalLogTests : FreshAppTest
{
    private const int Refusals = 40;

    [Fact]
    public async Task RefusalFlood_IsOneSummaryLine_CountedExactly_AndKeptApartFromTheRecentCloses()
    {
        using var timeout = TestTimeout.Start();
        var app = await StartAppAsync(
            ("Echo:MaxConnectionsPerIp", "1"),
            ("Echo:RecentConnections", "5"),
            ("Echo:RefusalLogInterval", "00:00:01"));
        using var meters = new EchoMeterRecorder(app);
        using var http = app.CreateClient();

        (await app.ConnectAndEchoAsync(timeout.Token)).Dispose();
        await Poll.UntilAsync(() => app.Registry.Closed == 1, TimeSpan.FromSeconds(10), "the echoed client to close");
        using var holder = await app.ConnectAndEchoAsync(timeout.Token);
        for (var i = 0; i < Refusals; i++)
        {
            using var client = await app.ConnectEchoAsync(timeout.Token);
            Assert.Empty(await client.ReceiveUntilClosedAsync(timeout.Token));
        }

        await Poll.UntilAsync(
            () => app.Logs.WithEvent("ConnectionsRefused").Sum(static line => int.Parse(line.Message.Split(' ')[0])) == Refusals,
            TimeSpan.FromSeconds(10),
            () => $"summary lines counting {Refusals} refusals: {string.Join(" | ", app.Logs.WithEvent("ConnectionsRefused").Select(static line => line.Message))}");

        // The interval is a second; the flood may straddle one or two ticks, never one line per refusal.
        var summaries = app.Logs.WithEvent("ConnectionsRefused");
        Assert.InRange(summaries.Count, 1, 3);
        Assert.All(summaries, static line => Assert.Matches(@"^\d+ connections closed before the echo in the last 1 s: per_ip_limit; most from 127\.0\.0\.1 ×\d+$", line.Message));
        Assert.Single(app.Logs.WithEvent("ConnectionClosed"));
        Assert.Equal(Refusals, meters.ClosedByReason.GetValueOrDefault("per_ip_limit"));

        // The echoed close is still in /connections/recent; the refusals fill their own ring, newest first.
        var recent = Assert.Single((await http.GetJsonAsync("/connections/recent", timeout.Token)).GetProperty("connections").EnumerateArray());
        Assert.Equal("client_closed", recent.GetProperty("closeReason").GetString());
        var refused = await http.GetJsonAsync("/connections/recent?kind=refused", timeout.Token);
        Assert.Equal(5, refused.GetProperty("capacity").GetInt32());
        Assert.All(refused.GetProperty("connections").EnumerateArray(), static connection => Assert.Equal("per_ip_limit", connection.GetProperty("closeReason").GetString()));
        Assert.Equal(5, refused.GetProperty("connections").GetArrayLength());
    }

    [Fact]
    public async Task RecentConnections_OfAnUnknownKind_Is400()
    {
        using var timeout = TestTimeout.Start();
        var app = await StartAppAsync();
        using var http = app.CreateClient();

        var response = await http.GetAsync("/connections/recent?kind=everything", timeout.Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'kind' must be 'closed'", await response.Content.ReadAsStringAsync(timeout.Token), StringComparison.Ordinal);
    }
}
