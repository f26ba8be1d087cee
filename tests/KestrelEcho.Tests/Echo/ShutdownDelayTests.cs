using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using KestrelEcho.Testing;
using KestrelEcho.Tests.Infrastructure;

namespace KestrelEcho.Tests.Echo;

/// <summary>
/// Echo:ShutdownDelay, the lame-duck period: readiness fails at SIGTERM, but new clients are still admitted and
/// echoed until the delay is over, so a load balancer's health check can notice before anything is refused.
/// </summary>
public sealed class ShutdownDelayTests : FreshAppTest
{
    // Long enough that a client connecting right after the stop is served within it on a loaded machine.
    private static readonly TimeSpan s_delay = TimeSpan.FromSeconds(8);

    [Fact]
    public async Task DuringTheDelay_ReadinessIs503_AndNewClientsAreEchoed_ThenTheDrainRefusesThem()
    {
        using var timeout = TestTimeout.Start(60);
        var app = await StartAppAsync(("Echo:ShutdownDelay", s_delay.ToString()), ("Echo:DrainTimeout", "00:00:10"));
        using var http = app.CreateIndependentClient();
        using var early = await app.ConnectEchoAsync(timeout.Token);
        await early.AssertHolaMundoEchoedAsync(timeout.Token);

        var sinceStop = Stopwatch.StartNew();
        var stopping = app.StopAsync(timeout.Token);
        await Poll.UntilAsync(
            async () => (await http.GetAsync("/health/ready", timeout.Token)).StatusCode == HttpStatusCode.ServiceUnavailable,
            TimeSpan.FromSeconds(15),
            "readiness to turn 503 at once");

        using var duringDelay = await app.ConnectEchoAsync(timeout.Token);
        await duringDelay.AssertHolaMundoEchoedAsync(timeout.Token);
        Assert.True(sinceStop.Elapsed < s_delay, $"the client during the delay was served only after {sinceStop.Elapsed.TotalSeconds:0.0} s: the test machine is too slow to tell the phases apart");
        Assert.Equal(2, app.Registry.Active);
        Assert.Contains(app.Logs.WithEvent("ShutdownDelayStarted"), static entry => entry.Message.Contains($"for {s_delay.TotalSeconds} s", StringComparison.Ordinal));

        await Poll.UntilAsync(() => app.Logs.WithEvent("DrainStarted").Count > 0, s_delay + TimeSpan.FromSeconds(10), "the drain to start after the delay");
        Assert.True(sinceStop.Elapsed >= s_delay, $"the drain started {sinceStop.Elapsed.TotalSeconds:0.0} s after the stop, before the {s_delay.TotalSeconds} s delay");
        Assert.Contains("Draining 2 echo connections", app.Logs.WithEvent("DrainStarted")[0].Message, StringComparison.Ordinal);

        using var afterDelay = await app.ConnectEchoAsync(timeout.Token);
        await app.AssertClosedWithoutEchoAsync(afterDelay, "server_shutdown", timeout.Token);

        // Both clients admitted before the drain are still echoed and may leave cleanly.
        foreach (var client in (Socket[])[early, duringDelay])
        {
            await client.AssertHolaMundoEchoedAsync(timeout.Token);
            client.Shutdown(SocketShutdown.Send);
            Assert.Empty(await client.ReceiveToEndAsync(timeout.Token));
            Assert.Equal("client_closed", await app.CloseReasonOfAsync(client));
        }

        await stopping.WaitAsync(TimeSpan.FromSeconds(10), timeout.Token);
    }

    [Fact]
    public void HostShutdownTimeout_CoversTheDelayAndTheDrain()
    {
        var settings = ServiceSettings.FromJson(
            RepositoryFiles.ReadAllText("appsettings.json"),
            new Dictionary<string, string?> { ["Echo__ShutdownDelay"] = "00:00:10", ["Echo__DrainTimeout"] = "00:00:20" });

        Assert.Equal(TimeSpan.FromSeconds(10 + 20 + 5), ServiceSettings.ShutdownTimeout(settings));
    }
}
