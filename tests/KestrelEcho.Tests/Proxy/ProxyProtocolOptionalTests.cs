using System.Net;
using System.Net.Sockets;
using KestrelEcho.Testing;

namespace KestrelEcho.Tests.Proxy;

/// <summary>
/// <c>Optional</c>: a trusted peer's connection may start with a header; one that does not is plain echo and
/// loses no byte, including the bytes read while telling.
/// </summary>
public sealed class ProxyProtocolOptionalTests() : ConfiguredAppTest(
    ("Echo:ProxyProtocol", "Optional"),
    ("Echo:TrustedProxies:0", "::ffff:127.0.0.1"),
    ("Echo:ProxyHeaderTimeout", "00:00:01"))
{
    [Fact]
    public async Task Header_IsApplied()
    {
        using var timeout = TestTimeout.Start();
        using var socket = await App.ConnectEchoAsync(timeout.Token);

        await socket.SendAllAsync(ProxyHeaders.V2(IPEndPoint.Parse("203.0.113.7:40000"), IPEndPoint.Parse("192.0.2.1:9999")), timeout.Token);
        await socket.AssertHolaMundoEchoedAsync(timeout.Token);

        var session = Assert.Single(App.Registry.Snapshot());
        Assert.Equal(IPEndPoint.Parse("203.0.113.7:40000"), session.RemoteEndPoint);
        Assert.Equal(socket.LocalEndPoint, session.ProxyEndPoint);
    }

    [Theory]
    [InlineData("Hola mundo")]
    [InlineData("PROXZ starts like a v1 signature")]
    [InlineData("\r\n\r\n\0\r\nQUIZ starts like a v2 signature")]
    public async Task NoSignature_EveryByteIsEchoed(string text)
    {
        using var timeout = TestTimeout.Start();
        using var socket = await App.ConnectEchoAsync(timeout.Token);
        var bytes = System.Text.Encoding.ASCII.GetBytes(text);

        await socket.SendAllAsync(bytes, timeout.Token);

        Assert.Equal(bytes, await socket.ReceiveExactlyAsync(bytes.Length, timeout.Token));
        Assert.Equal(socket.LocalEndPoint, Assert.Single(App.Registry.Snapshot()).RemoteEndPoint);
    }

    [Fact]
    public async Task StartOfASignature_ThenFin_IsEchoed_ThenClosedByTheClient()
    {
        using var timeout = TestTimeout.Start();
        using var socket = await App.ConnectEchoAsync(timeout.Token);

        await socket.SendAllAsync("PRO"u8.ToArray(), timeout.Token);
        socket.Shutdown(SocketShutdown.Send);

        Assert.Equal("PRO"u8.ToArray(), await socket.ReceiveToEndAsync(timeout.Token));
        Assert.Equal("client_closed", await App.CloseReasonOfAsync(socket));
    }

    [Fact]
    public async Task StartOfASignature_ThenSilence_IsEchoedOnceTheHeaderTimeoutPasses_AndTheConnectionGoesOn()
    {
        using var timeout = TestTimeout.Start();
        using var socket = await App.ConnectEchoAsync(timeout.Token);

        await socket.SendAllAsync("P"u8.ToArray(), timeout.Token);

        Assert.Equal("P"u8.ToArray(), await socket.ReceiveExactlyAsync(1, timeout.Token));
        await socket.SendAllAsync("ROXY TCP4 is data now\r\n"u8.ToArray(), timeout.Token);
        Assert.Equal("ROXY TCP4 is data now\r\n"u8.ToArray(), await socket.ReceiveExactlyAsync(23, timeout.Token));
        Assert.Equal(socket.LocalEndPoint, Assert.Single(App.Registry.Snapshot()).RemoteEndPoint);
    }

    [Fact]
    public async Task SilentClient_BecomesAPlainEchoClientAfterTheHeaderTimeout()
    {
        using var timeout = TestTimeout.Start();
        using var socket = await App.ConnectEchoAsync(timeout.Token);

        // It reaches the echo handler (and the registry) only once the header timeout has passed.
        await Poll.UntilAsync(() => App.Registry.Active == 1, TimeSpan.FromSeconds(10), "the silent client to reach the echo");

        await socket.AssertHolaMundoEchoedAsync(timeout.Token);
        Assert.Empty(App.Logs.WithEvent("ProxyHeaderTimedOut"));
    }

    [Fact]
    public async Task InvalidHeader_FromATrustedPeer_IsStillRefused()
    {
        using var timeout = TestTimeout.Start();
        using var socket = await App.ConnectEchoAsync(timeout.Token);

        await socket.SendAllAsync(ProxyHeaders.V1("PROXY TCP4 203.0.113.7 192.0.2.1 40000\r\n"), timeout.Token);

        Assert.Empty(await socket.ReceiveUntilClosedAsync(timeout.Token));
        Assert.Equal("proxy_protocol_error", await App.CloseReasonOfAsync(socket));
    }
}
