using KestrelEcho.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

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
        var settingsFile = Path.Combine(Path.GetTempPath(), $"kestrel-echo-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(settingsFile, """{ "Echo": { "MaxConnections": 2 } }""", timeout.Token);
        try
        {
            var app = await StartAppAsync(app => app.WithJsonSettings(settingsFile));
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
                Assert.Empty(await refused.ReceiveToEndAsync(timeout.Token));
                Assert.Equal("connection_limit", await app.CloseReasonOfAsync(refused));
                Assert.Equal(2, gauges.Observe(Active));
            }

            await File.WriteAllTextAsync(settingsFile, """{ "Echo": { "MaxConnections": 7 } }""", timeout.Token);
            await Poll.UntilAsync(() => gauges.Observe(Limit) == 7, TimeSpan.FromSeconds(15), "the limit gauge to take the new setting");
            await Poll.UntilAsync(() => gauges.Observe(Active) == 0, TimeSpan.FromSeconds(10), "the active gauge to drop to 0");
        }
        finally
        {
            File.Delete(settingsFile);
        }
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
