using KestrelEcho.Testing;
using KestrelEcho.Tests.Infrastructure;

namespace KestrelEcho.Tests.Telemetry;

/// <summary>The gauges alerts compare against: admitted connections, the limit in force, draining.</summary>
public sealed class EchoStateMetricsTests : FreshAppTest
{
    private const string Active = "kestrel_echo.connections.active";
    private const string Limit = "kestrel_echo.connections.limit";
    private const string Draining = "kestrel_echo.draining";

    [Fact]
    public async Task ActiveCountsAdmittedConnections_AndLimitFollowsAChangedSettingsFile()
    {
        using var timeout = TestTimeout.Start();
        using var settings = await SettingsFile.CreateAsync("""{ "Echo": { "MaxConnections": 2 } }""", timeout.Token);
        var app = await StartAppAsync(app => app.WithJsonSettings(settings.Path));
        using var gauges = new EchoGaugeReader(app);
        Assert.Equal(0, gauges.Observe(Active));
        Assert.Equal(2, gauges.Observe(Limit));

        using (var first = await app.ConnectEchoAsync(timeout.Token))
        using (var second = await app.ConnectEchoAsync(timeout.Token))
        {
            await first.AssertHolaMundoEchoedAsync(timeout.Token);
            await second.AssertHolaMundoEchoedAsync(timeout.Token);
            Assert.Equal(2, gauges.Observe(Active));

            // Refused at the limit: counted as closed, never as active.
            using var refused = await app.ConnectEchoAsync(timeout.Token);
            await app.AssertClosedWithoutEchoAsync(refused, "connection_limit", timeout.Token);
            Assert.Equal(2, gauges.Observe(Active));
        }

        // Observed, not copied at start: from the moment the change is logged, the gauge reads the new limit.
        await settings.ChangeAsync(app, """{ "Echo": { "MaxConnections": 7 } }""", "Echo:MaxConnections 2 -> 7");
        Assert.Equal(7, gauges.Observe(Limit));
        await Poll.UntilAsync(() => gauges.Observe(Active) == 0, TimeSpan.FromSeconds(10), "the active gauge to drop to 0");
    }

    [Fact]
    public async Task Draining_IsOneFromTheStartOfTheDrain()
    {
        using var timeout = TestTimeout.Start(60);
        var app = await StartAppAsync(("Echo:DrainTimeout", "00:00:10"));
        using var gauges = new EchoGaugeReader(app);
        using var client = await app.ConnectEchoAsync(timeout.Token);
        await client.AssertHolaMundoEchoedAsync(timeout.Token);
        Assert.Equal(0, gauges.Observe(Draining));

        // The open client holds the drain until it leaves.
        var stopping = app.StopAsync(timeout.Token);
        await Poll.UntilAsync(() => gauges.Observe(Draining) == 1, TimeSpan.FromSeconds(15), "the draining gauge to turn 1");
        Assert.False(stopping.IsCompleted, "the drain should wait for the open client");

        client.Shutdown(System.Net.Sockets.SocketShutdown.Send);
        Assert.Empty(await client.ReceiveToEndAsync(timeout.Token));
        await stopping.WaitAsync(TimeSpan.FromSeconds(15), timeout.Token);
    }
}
