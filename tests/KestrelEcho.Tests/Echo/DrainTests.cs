using System.Net;
using System.Net.Sockets;
using KestrelEcho.Testing;

namespace KestrelEcho.Tests.Echo;

public sealed class DrainTests : FreshAppTest
{
    [Fact]
    public async Task Stopping_DrainsOpenConnections_WhileReadinessIs503AndNewClientsAreRefused()
    {
        using var timeout = TestTimeout.Start(60);
        // Long enough that the leaving client's exchange below ends well within it on a loaded machine.
        var app = await StartAppAsync(("Echo:DrainTimeout", "00:00:10"));
        using var http = app.CreateIndependentClient();
        using var leaving = await app.ConnectEchoAsync(timeout.Token);
        using var staying = await app.ConnectEchoAsync(timeout.Token);
        await Poll.UntilAsync(() => app.Registry.Active == 2, TimeSpan.FromSeconds(10), "both clients registered");
        var stayingId = await http.LiveConnectionIdAsync(staying, timeout.Token);

        var stopping = app.StopAsync(timeout.Token);

        await Poll.UntilAsync(
            async () => (await http.GetAsync("/health/ready", timeout.Token)).StatusCode == HttpStatusCode.ServiceUnavailable,
            TimeSpan.FromSeconds(15),
            "readiness to turn 503 when the drain starts");
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live", timeout.Token)).StatusCode);

        using var latecomer = await app.ConnectEchoAsync(timeout.Token);
        Assert.Empty(await latecomer.ReceiveToEndAsync(timeout.Token));
        var latecomerId = await http.RefusedConnectionIdAsync(latecomer, timeout.Token);
        Assert.NotEqual(stayingId, latecomerId);
        Assert.Equal("server_shutdown", await app.CloseReasonOfAsync(latecomerId));

        // Draining connections are still echoed, and one that leaves by itself closes cleanly.
        var payload = Payload.Random(256 * 1024, seed: 5);
        var sending = leaving.SendAllAsync(payload, timeout.Token);
        Assert.Equal(payload, await leaving.ReceiveExactlyAsync(payload.Length, timeout.Token));
        await sending;
        leaving.Shutdown(SocketShutdown.Send);
        Assert.Empty(await leaving.ReceiveToEndAsync(timeout.Token));
        Assert.Equal("client_closed", await app.CloseReasonOfAsync(leaving));
        Assert.False(stopping.IsCompleted, "the stop should wait for the remaining client until the drain ends");

        Assert.Empty(await staying.ReceiveToEndAsync(timeout.Token));
        await stopping.WaitAsync(TimeSpan.FromSeconds(20), timeout.Token);

        // The connection the end of the drain cut, told apart from the refused latecomer by its id.
        Assert.Equal("server_shutdown", await app.CloseReasonOfAsync(stayingId));
        var drainEnded = Assert.Single(app.Logs.WithEvent("DrainEnded"));
        Assert.Contains("Closing 1 echo connections", drainEnded.Message, StringComparison.Ordinal);
        var stayingClosed = ClosedLine(app, stayingId);
        Assert.Contains("closed: server_shutdown", stayingClosed.Message, StringComparison.Ordinal);
        Assert.True(
            IndexOf(app, drainEnded) < IndexOf(app, stayingClosed),
            $"connection {stayingId} should close after the drain ends, not before");

        // The refused latecomer has no close line of its own: refusals are summarized (flushed at the stop).
        Assert.DoesNotContain(app.Logs.WithEvent("ConnectionClosed"), entry => entry.Message.StartsWith($"Connection {latecomerId} ", StringComparison.Ordinal));
        var refusals = Assert.Single(app.Logs.WithEvent("ConnectionsRefused"));
        Assert.StartsWith("1 connections closed before the echo", refusals.Message, StringComparison.Ordinal);
        Assert.Contains(": server_shutdown; most from 127.0.0.1 ×1", refusals.Message, StringComparison.Ordinal);
    }

    private static CapturedLogs.LogEntry ClosedLine(EchoAppFactory app, string connectionId) =>
        Assert.Single(
            app.Logs.WithEvent("ConnectionClosed"),
            entry => entry.Message.StartsWith($"Connection {connectionId} from ", StringComparison.Ordinal));

    private static int IndexOf(EchoAppFactory app, CapturedLogs.LogEntry entry) =>
        app.Logs.All.ToList().IndexOf(entry);
}
