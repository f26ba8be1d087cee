using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using KestrelEcho.Testing;

namespace KestrelEcho.Tests.Dashboard;

/// <summary><c>GET /connections/events</c>: the dashboard's live feed, checked against what the test itself did.</summary>
public sealed class LiveFeedTests(EchoAppFactory app) : EchoAppTest<EchoAppFactory>(app)
{
    private static readonly TimeSpan s_fewTicks = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task FirstTick_ComesAtOnce_AndListsALiveClientWithItsBytes()
    {
        using var timeout = TestTimeout.Start();
        using var client = await App.ConnectEchoAsync(timeout.Token);
        await client.AssertHolaMundoEchoedAsync(timeout.Token);
        using var http = App.CreateClient();
        using var feed = await LiveFeedReader.OpenAsync(http, "/connections/events", timeout.Token);

        var tick = await feed.NextTickAsync(timeout.Token);

        Assert.NotNull(tick);
        var listed = Assert.Single(Listed(tick.Value, client));
        Assert.Equal(10, listed.GetProperty("bytesReceived").GetInt64());
        Assert.Equal(10, listed.GetProperty("bytesSent").GetInt64());
        Assert.True(tick.Value.GetProperty("live").GetInt32() >= 1);
    }

    [Fact]
    public async Task Totals_CountWhatAClientSentBeforeAndAfterItClosed()
    {
        using var timeout = TestTimeout.Start();
        using var http = App.CreateClient();
        using var feed = await LiveFeedReader.OpenAsync(http, "/connections/events", timeout.Token);
        var before = (await feed.NextTickAsync(timeout.Token))!.Value;
        var payload = Payload.Random(50_000, seed: 12);

        using (var client = await App.ConnectEchoAsync(timeout.Token))
        {
            await client.SendAllAsync(payload, timeout.Token);
            await client.ReceiveExactlyAsync(payload.Length, timeout.Token);
            await feed.TickWhereAsync(
                tick => Grew(before, tick, "bytesReceived") == payload.Length && Listed(tick, client).Any(),
                s_fewTicks,
                "the live client's bytes are counted");
            client.Shutdown(SocketShutdown.Send);
            await client.ReceiveToEndAsync(timeout.Token);
        }

        var after = await feed.TickWhereAsync(
            tick => Grew(before, tick, "closed") == 1,
            s_fewTicks,
            "the client is counted closed");
        Assert.Equal(payload.Length, Grew(before, after, "bytesReceived"));
        Assert.Equal(payload.Length, Grew(before, after, "bytesSent"));
        Assert.Equal(1, Grew(before, after, "opened"));
        Assert.Equal(0, Grew(before, after, "refused"));
        Assert.Equal(1, Reason(after, "client_closed") - Reason(before, "client_closed"));
    }

    [Fact]
    public async Task Query_ListsTheConnectionsTheTableAsksFor()
    {
        using var timeout = TestTimeout.Start();
        using var idle = await App.ConnectEchoAsync(timeout.Token, IPAddress.Parse("127.0.0.2"));
        using var busy = await App.ConnectEchoAsync(timeout.Token, IPAddress.Parse("127.0.0.3"));
        await busy.AssertHolaMundoEchoedAsync(timeout.Token);
        using var http = App.CreateClient();
        using var feed = await LiveFeedReader.OpenAsync(http, "/connections/events?sort=bytesIn&ip=127.0.0.0/24&limit=1", timeout.Token);

        var tick = await feed.TickWhereAsync(tick => tick.GetProperty("matched").GetInt32() == 2, s_fewTicks, "both clients match");

        Assert.Single(Listed(tick, busy));
        Assert.Single(tick.GetProperty("connections").EnumerateArray());
    }

    [Fact]
    public async Task BadQuery_Is400_NamingTheParameter()
    {
        using var http = App.CreateClient();

        using var response = await http.GetAsync("/connections/events?sort=colour", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("sort", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    private static IEnumerable<JsonElement> Listed(JsonElement tick, Socket client)
    {
        var port = ((IPEndPoint)client.LocalEndPoint!).Port;
        return tick.GetProperty("connections").EnumerateArray().Where(connection => connection.GetProperty("remotePort").GetInt32() == port);
    }

    private static long Grew(JsonElement before, JsonElement after, string total) =>
        after.GetProperty(total).GetInt64() - before.GetProperty(total).GetInt64();

    private static long Reason(JsonElement tick, string reason) =>
        tick.GetProperty("reasons").TryGetProperty(reason, out var count) ? count.GetInt64() : 0;
}
