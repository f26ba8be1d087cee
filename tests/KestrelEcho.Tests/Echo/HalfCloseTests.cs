using System.Net.Sockets;
using KestrelEcho.Testing;

namespace KestrelEcho.Tests.Echo;

public sealed class HalfCloseTests(EchoAppFactory app) : EchoAppTest<EchoAppFactory>(app)
{
    [Fact]
    public async Task ClientShutsDownSending_EverythingIsEchoed_ThenServerSendsFin()
    {
        using var timeout = TestTimeout.Start();
        using var socket = await App.ConnectEchoAsync(timeout.Token);
        var payload = Payload.Random(1024 * 1024, seed: 7);

        var sending = SendThenShutdownAsync(socket, payload, timeout.Token);

        // A FIN ends this read cleanly; an RST would throw ConnectionReset instead.
        var echoed = await socket.ReceiveToEndAsync(timeout.Token);
        await sending;

        Assert.Equal(payload.Length, echoed.Length);
        Assert.True(payload.AsSpan().SequenceEqual(echoed), "the echo before the server's FIN differs");
        await Poll.UntilAsync(
            () => App.Logs.WithEvent("ConnectionClosed").Any(entry => entry.Message.Contains("client_closed", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(10),
            "a close line with reason client_closed");
    }

    private static async Task SendThenShutdownAsync(Socket socket, byte[] payload, CancellationToken cancellationToken)
    {
        await socket.SendAllAsync(payload, cancellationToken);
        socket.Shutdown(SocketShutdown.Send);
    }
}
