using KestrelEcho.Testing;

namespace KestrelEcho.Tests.Dashboard;

/// <summary>The live feed ends when the service stops, so an open dashboard never holds up a shutdown, and counts refusals.</summary>
public sealed class LiveFeedLifetimeTests : FreshAppTest
{
    [Fact]
    public async Task HostStopping_EndsTheStreamCleanly_AndTheHostStops()
    {
        using var timeout = TestTimeout.Start();
        var app = await StartAppAsync();
        using var http = app.CreateIndependentClient();
        using var feed = await LiveFeedReader.OpenAsync(http, "/connections/events", timeout.Token);
        Assert.NotNull(await feed.NextTickAsync(timeout.Token));

        var stopping = app.StopAsync(timeout.Token);

        // The server ends the stream (the reader sees its end, not an abort) before the host would give up on it.
        while (await feed.NextTickAsync(timeout.Token) is not null)
        {
        }

        await stopping;
    }

    [Fact]
    public async Task Refusals_AreCountedWithTheirReason()
    {
        using var timeout = TestTimeout.Start();
        var app = await StartAppAsync(("Echo:MaxConnections", "1"));
        using var http = app.CreateClient();
        using var feed = await LiveFeedReader.OpenAsync(http, "/connections/events", timeout.Token);
        using var admitted = await app.ConnectEchoAsync(timeout.Token);
        await admitted.AssertHolaMundoEchoedAsync(timeout.Token);

        using (var refused = await app.ConnectEchoAsync(timeout.Token))
        {
            await refused.ReceiveUntilClosedAsync(timeout.Token);
        }

        var tick = await feed.TickWhereAsync(static tick => tick.GetProperty("refused").GetInt64() == 1, TimeSpan.FromSeconds(10), "one refusal");
        Assert.Equal(1, tick.GetProperty("reasons").GetProperty("connection_limit").GetInt64());
        Assert.Equal(2, tick.GetProperty("opened").GetInt64());
        Assert.Equal(1, tick.GetProperty("live").GetInt32());
    }
}
