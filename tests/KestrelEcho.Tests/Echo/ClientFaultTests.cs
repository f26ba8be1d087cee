using System.Net.Sockets;
using System.Text;
using KestrelEcho.Testing;

namespace KestrelEcho.Tests.Echo;

public sealed class ClientFaultTests(EchoAppFactory app) : EchoAppTest<EchoAppFactory>(app)
{
    [Fact]
    public async Task ClientResetsMidStream_ConnectionIsRemovedAndClosedAsClientReset()
    {
        using var timeout = TestTimeout.Start();
        var socket = await App.ConnectEchoAsync(timeout.Token);
        await socket.SendAllAsync(Payload.Random(4096, seed: 1), timeout.Token);
        await socket.ReceiveExactlyAsync(4096, timeout.Token);
        var connectionId = Assert.Single(App.Registry.Snapshot()).Id;

        socket.Reset();

        await Poll.UntilAsync(() => App.Registry.Active == 0, TimeSpan.FromSeconds(10), "the reset connection to leave the registry");
        await Poll.UntilAsync(
            () => App.Logs.WithEvent("ConnectionClosed").Any(entry => entry.Message.StartsWith($"Connection {connectionId} ", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(10),
            "the reset connection's close line");
        var closeLine = App.Logs.WithEvent("ConnectionClosed").Single(entry => entry.Message.StartsWith($"Connection {connectionId} ", StringComparison.Ordinal));
        Assert.Contains("closed: client_reset", closeLine.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ThousandConnectResetCycles_LeaveNothingBehind()
    {
        using var timeout = TestTimeout.Start(60);
        var openedBefore = App.Registry.Opened;

        for (var cycle = 0; cycle < 1000; cycle++)
        {
            var socket = await App.ConnectEchoAsync(timeout.Token);
            if (cycle % 2 == 0)
            {
                await socket.SendAllAsync("x"u8.ToArray(), timeout.Token);
                socket.Reset();
            }
            else
            {
                socket.Dispose();
            }
        }

        await Poll.UntilAsync(() => App.Registry.Opened - openedBefore == 1000, TimeSpan.FromSeconds(10), "all 1000 connections to be accepted");
        await Poll.UntilAsync(() => App.Registry.Active == 0, TimeSpan.FromSeconds(10), "all 1000 connections to leave the registry");
    }

    [Fact]
    public async Task ClientThatNeverReads_IsThrottled_AndLosesNoByte()
    {
        using var timeout = TestTimeout.Start(60);
        using var socket = await App.ConnectEchoAsync(timeout.Token);
        socket.ReceiveBufferSize = 64 * 1024;
        socket.SendBufferSize = 64 * 1024;

        // Without backpressure the server would keep reading and buffering, and this would send it all.
        var sent = await socket.SendUntilBlockedAsync(FillPattern, TimeSpan.FromSeconds(2), ceiling: 256L * 1024 * 1024, timeout.Token);

        Assert.True(sent < 64L * 1024 * 1024, $"the server accepted {sent} bytes from a client that never reads");
        socket.Shutdown(SocketShutdown.Send);
        var echoed = await socket.ReceiveToEndAsync(timeout.Token);
        Assert.Equal(sent, echoed.Length);
        var expected = new byte[echoed.Length];
        FillPattern(expected, 0);
        Assert.True(expected.AsSpan().SequenceEqual(echoed), "the throttled client's echo differs from what it sent");
    }

    [Fact]
    public async Task Payload_NeverReachesTheLog()
    {
        using var timeout = TestTimeout.Start();
        var marker = $"payload-marker-{Guid.NewGuid():N}";
        using (var socket = await App.ConnectEchoAsync(timeout.Token))
        {
            await socket.SendAllAsync(Encoding.UTF8.GetBytes(marker), timeout.Token);
            await socket.ReceiveExactlyAsync(marker.Length, timeout.Token);
        }

        await Poll.UntilAsync(() => App.Registry.Active == 0, TimeSpan.FromSeconds(10), "the connection to close");
        Assert.NotEmpty(App.Logs.WithEvent("ConnectionClosed"));
        Assert.DoesNotContain(App.Logs.All, entry => entry.Message.Contains(marker, StringComparison.Ordinal));
    }

    private static void FillPattern(byte[] buffer, long offset)
    {
        for (var i = 0; i < buffer.Length; i++)
        {
            buffer[i] = (byte)((offset + i) % 251);
        }
    }
}
