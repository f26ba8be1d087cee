using System.Diagnostics;
using System.Net.Sockets;
using KestrelEcho.Connections;
using KestrelEcho.Testing;

namespace KestrelEcho.Tests.Listeners;

/// <summary>Each impairment of a named listener, seen from a real client socket. Timing is checked from below only.</summary>
public sealed class ImpairmentTests(ImpairedListenersAppFactory app) : EchoAppTest<ImpairedListenersAppFactory>(app)
{
    [Fact]
    public async Task Delay_EchoArrivesNoSoonerThanTheDelay()
    {
        using var timeout = TestTimeout.Start();
        using var socket = await App.ConnectListenerAsync("delay", timeout.Token);

        var sent = Stopwatch.GetTimestamp();
        await socket.SendAllAsync("hola"u8.ToArray(), timeout.Token);
        var echoed = await socket.ReceiveExactlyAsync(4, timeout.Token);

        Assert.Equal("hola"u8.ToArray(), echoed);
        Assert.True(Stopwatch.GetElapsedTime(sent) >= ImpairedListenersAppFactory.Delay, $"echoed after {Stopwatch.GetElapsedTime(sent)}");
    }

    [Fact]
    public async Task Jitter_NeverReordersTheEcho()
    {
        using var timeout = TestTimeout.Start();
        using var socket = await App.ConnectListenerAsync("jitter", timeout.Token);
        // Many times the service's 16 KiB queue chunk, so it delays many chunks, each by a different amount.
        var payload = Payload.Random(512 * 1024, seed: 862);

        var sending = socket.SendAllAsync(payload, timeout.Token);
        var echoed = await socket.ReceiveExactlyAsync(payload.Length, timeout.Token);
        await sending;

        Assert.Equal(payload, echoed);
    }

    [Fact]
    public async Task BytesPerSecond_IsNeverExceeded_OverAThreeSecondTransfer()
    {
        using var timeout = TestTimeout.Start(60);
        using var socket = await App.ConnectListenerAsync("throttle", timeout.Token);
        var payload = Payload.Random((int)(3 * ImpairedListenersAppFactory.Rate), seed: 862);
        const int burst = 16_384;

        var start = Stopwatch.GetTimestamp();
        var sending = socket.SendAllAsync(payload, timeout.Token);
        var buffer = new byte[payload.Length];
        var received = 0;
        while (received < payload.Length)
        {
            received += await socket.ReceiveAsync(buffer.AsMemory(received), SocketFlags.None, timeout.Token);

            // The client's clock started before the service's first byte could leave: a fair ceiling.
            var allowed = (ImpairedListenersAppFactory.Rate * Stopwatch.GetElapsedTime(start).TotalSeconds) + burst;
            Assert.True(received <= allowed, $"{received} bytes after {Stopwatch.GetElapsedTime(start)}: more than {allowed:F0}");
        }

        await sending;
        Assert.Equal(payload, buffer);
    }

    [Fact]
    public async Task CloseAfterBytes_EchoesExactlyThatMany_ThenFin()
    {
        using var timeout = TestTimeout.Start();
        using var socket = await App.ConnectListenerAsync("close", timeout.Token);
        var payload = Payload.Random(3 * ImpairedListenersAppFactory.Limit, seed: 862);

        await socket.SendAllAsync(payload, timeout.Token);

        // ReceiveToEndAsync fails on a reset: this is an orderly end of stream.
        Assert.Equal(payload[..ImpairedListenersAppFactory.Limit], await socket.ReceiveToEndAsync(timeout.Token));
        Assert.Equal("injected_close", await App.CloseReasonOfAsync(socket));
    }

    [Fact]
    public async Task ResetAfterBytes_EchoesExactlyThatMany_ThenConnectionReset()
    {
        using var timeout = TestTimeout.Start();
        using var socket = await App.ConnectListenerAsync("reset", timeout.Token);

        // Exactly the limit: with bytes left unread in its socket, the service's kernel would reset even a plain close.
        var payload = Payload.Random(ImpairedListenersAppFactory.Limit, seed: 862);
        await socket.SendAllAsync(payload, timeout.Token);

        var (received, error) = await socket.ReceiveUntilErrorAsync(timeout.Token);

        Assert.Equal(payload, received);
        Assert.Equal(SocketError.ConnectionReset, error);
        Assert.Equal("injected_reset", await App.CloseReasonOfAsync(socket));
    }

    [Fact]
    public async Task ChunkSizeOne_DeliversEveryByteInOrder()
    {
        using var timeout = TestTimeout.Start();
        using var socket = await App.ConnectListenerAsync("drip", timeout.Token);
        var payload = Payload.Random(2000, seed: 862);

        await socket.SendAllAsync(payload, timeout.Token);

        Assert.Equal(payload, await socket.ReceiveExactlyAsync(payload.Length, timeout.Token));
    }

    [Fact]
    public async Task ResetOnAcceptProbabilityOne_ResetsEveryConnection()
    {
        using var timeout = TestTimeout.Start();
        var resetBefore = ResetOn("rst-always");
        var (received, error) = (Array.Empty<byte>(), SocketError.ConnectionReset);
        try
        {
            using var socket = await App.ConnectListenerAsync("rst-always", timeout.Token);
            (received, error) = await socket.ReceiveUntilErrorAsync(timeout.Token);
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.ConnectionReset)
        {
            // The RST came so fast that the connect itself saw it: the same outcome for the client.
        }

        Assert.Empty(received);
        Assert.Equal(SocketError.ConnectionReset, error);
        await Poll.UntilAsync(() => ResetOn("rst-always") == resetBefore + 1, TimeSpan.FromSeconds(10), "one more injected_reset on rst-always");
    }

    private int ResetOn(string listener) =>
        App.ClosedSessions().Count(session => session.Listener.Name == listener && session.CloseReason == CloseReason.InjectedReset);

    [Fact]
    public async Task ResetOnAcceptProbabilityZero_Echoes()
    {
        using var timeout = TestTimeout.Start();
        using var socket = await App.ConnectListenerAsync("rst-never", timeout.Token);

        await socket.AssertHolaMundoEchoedAsync(timeout.Token);
    }

    [Fact]
    public async Task Discard_AnswersNothing_AndCountsWhatCameIn()
    {
        using var timeout = TestTimeout.Start();
        using var http = App.CreateClient();
        using var socket = await App.ConnectListenerAsync("discard", timeout.Token);

        await socket.SendAllAsync(Payload.Random(5000, seed: 863), timeout.Token);
        socket.Shutdown(SocketShutdown.Send);

        Assert.Empty(await socket.ReceiveToEndAsync(timeout.Token));
        Assert.Equal("client_closed", await App.CloseReasonOfAsync(socket));
        var discard = await http.ListenerAsync("discard", timeout.Token);
        var counters = discard.GetProperty("counters");
        Assert.Equal(5000, counters.GetProperty("bytesReceived").GetInt64());
        Assert.Equal(0, counters.GetProperty("bytesSent").GetInt64());
    }
}
