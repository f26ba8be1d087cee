using System.Net;
using System.Net.Sockets;
using KestrelEcho.Echo;
using KestrelEcho.Net;
using KestrelEcho.Testing;

namespace KestrelEcho.Tests.Proxy;

/// <summary>
/// The echo endpoint behind a load balancer that always sends a header (<c>Required</c>), the test's loopback
/// address being the trusted proxy: the header's client is the connection's client everywhere, and every
/// connection without a good header is refused under its own close reason.
/// </summary>
public sealed class ProxyProtocolRequiredTests() : ConfiguredAppTest(
    ("Echo:ProxyProtocol", "required"),
    ("Echo:TrustedProxies:0", "10.0.0.0/8"),
    ("Echo:TrustedProxies:1", "127.0.0.1"),
    ("Echo:ProxyHeaderTimeout", "00:00:01"),
    ("Echo:MaxConnectionsPerIp", "1"))
{
    private static readonly byte[] s_hello = "Hola mundo"u8.ToArray();

    [Fact]
    public async Task V1HeaderAndPayloadInOneWrite_EchoesThePayload_AndTheHeadersClientIsTheConnectionsClient()
    {
        using var timeout = TestTimeout.Start();
        using var http = App.CreateClient();
        using var socket = await App.ConnectEchoAsync(timeout.Token);
        var proxyEndPoint = (IPEndPoint)socket.LocalEndPoint!;

        await socket.SendAllAsync(Concat(ProxyHeaders.V1("PROXY TCP4 203.0.113.7 192.0.2.1 40000 9999\r\n"), s_hello), timeout.Token);

        Assert.Equal(s_hello, await socket.ReceiveExactlyAsync(s_hello.Length, timeout.Token));
        var listed = Assert.Single((await http.GetJsonAsync("/connections", timeout.Token)).GetProperty("connections").EnumerateArray());
        Assert.Equal("203.0.113.7", listed.GetProperty("remoteAddress").GetString());
        Assert.Equal(40000, listed.GetProperty("remotePort").GetInt32());
        Assert.Equal("192.0.2.1:9999", listed.GetProperty("localEndPoint").GetString());
        Assert.Equal(proxyEndPoint.ToString(), listed.GetProperty("proxy").GetString());
        Assert.Equal(s_hello.Length, listed.GetProperty("bytesReceived").GetInt64());
        var detail = await http.GetJsonAsync($"/connections/{listed.GetProperty("id").GetString()}", timeout.Token);
        Assert.Equal(proxyEndPoint.ToString(), detail.GetProperty("proxy").GetString());
        Assert.Equal("203.0.113.7", detail.GetProperty("remoteAddress").GetString());

        socket.Shutdown(SocketShutdown.Send);
        Assert.Empty(await socket.ReceiveToEndAsync(timeout.Token));
        Assert.Equal("client_closed", await App.CloseReasonOfAsync(IPEndPoint.Parse("203.0.113.7:40000")));
        var closedLine = Assert.Single(App.Logs.WithEvent("ConnectionClosed"));
        Assert.Contains("from 203.0.113.7:40000 closed: client_closed", closedLine.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task V2HeaderSentOneByteAtATime_WithTlvs_GivesTheIPv6Client_AndTheBytesAfterIt()
    {
        using var timeout = TestTimeout.Start();
        using var socket = await App.ConnectEchoAsync(timeout.Token);
        var header = ProxyHeaders.V2(IPEndPoint.Parse("[2001:db8::7]:51000"), IPEndPoint.Parse("[2001:db8::1]:443"), ProxyHeaders.Tlv(0xEA, 22), ProxyHeaders.Tlv(0x04, 5));

        foreach (var b in header)
        {
            await socket.SendAllAsync(new[] { b }, timeout.Token);
        }

        await socket.AssertHolaMundoEchoedAsync(timeout.Token);
        var session = Assert.Single(App.Registry.Snapshot());
        Assert.Equal(IPEndPoint.Parse("[2001:db8::7]:51000"), session.RemoteEndPoint);
        Assert.Equal(IPEndPoint.Parse("[2001:db8::1]:443"), session.LocalEndPoint);
        Assert.Equal(socket.LocalEndPoint, session.ProxyEndPoint);
        Assert.Equal(s_hello.Length, session.BytesReceived);
    }

    [Fact]
    public async Task PerAddressLimit_CountsTheHeadersClient_NotTheProxy()
    {
        using var timeout = TestTimeout.Start();
        using var first = await ConnectThroughProxyAsync("203.0.113.7", 1, timeout.Token);
        await first.AssertHolaMundoEchoedAsync(timeout.Token);

        using var sameClient = await ConnectThroughProxyAsync("203.0.113.7", 2, timeout.Token);
        using var otherClient = await ConnectThroughProxyAsync("203.0.113.8", 3, timeout.Token);

        Assert.Empty(await sameClient.ReceiveUntilClosedAsync(timeout.Token));
        Assert.Equal("per_ip_limit", await App.CloseReasonOfAsync(IPEndPoint.Parse("203.0.113.7:2")));
        await otherClient.AssertHolaMundoEchoedAsync(timeout.Token);
    }

    [Fact]
    public async Task NoHeader_IsRefused_AsProxyProtocolError_Counted_AndListedWithTheProxysAddress()
    {
        using var timeout = TestTimeout.Start();
        using var meters = new EchoMeterRecorder(App);
        using var http = App.CreateClient();
        using var socket = await App.ConnectEchoAsync(timeout.Token);

        await socket.SendAllAsync(s_hello, timeout.Token);

        Assert.Empty(await socket.ReceiveUntilClosedAsync(timeout.Token));
        Assert.Equal("proxy_protocol_error", await App.CloseReasonOfAsync(socket));
        Assert.Empty((await http.GetJsonAsync("/connections/recent", timeout.Token)).GetProperty("connections").EnumerateArray());
        var recent = Assert.Single((await http.GetJsonAsync("/connections/recent?kind=refused", timeout.Token)).GetProperty("connections").EnumerateArray());
        Assert.Equal("proxy_protocol_error", recent.GetProperty("closeReason").GetString());
        Assert.Equal("proxy_header", recent.GetProperty("stage").GetString());
        Assert.Equal("127.0.0.1", recent.GetProperty("remoteAddress").GetString());
        Assert.Equal(((IPEndPoint)socket.LocalEndPoint!).Port, recent.GetProperty("remotePort").GetInt32());
        Assert.False(recent.TryGetProperty("proxy", out _));
        Assert.Equal(1, meters.Opened);
        Assert.Equal(1, meters.ClosedAs("proxy_protocol_error"));
        Assert.Single(App.Logs.WithEvent("ProxyHeaderRejected"));
    }

    public static TheoryData<string, byte[]> BrokenHeaders => new()
    {
        { "v1 with LF only", ProxyHeaders.V1("PROXY TCP4 203.0.113.7 192.0.2.1 40000 9999\n") },
        { "v1 address out of range", ProxyHeaders.V1("PROXY TCP4 203.0.113.300 192.0.2.1 40000 9999\r\n") },
        { "v1 port out of range", ProxyHeaders.V1("PROXY TCP4 203.0.113.7 192.0.2.1 40000 99999\r\n") },
        { "v1 without CRLF", ProxyHeaders.V1("PROXY TCP4 " + new string('1', 120)) },
        { "v2 version 1", ProxyHeaders.V2Raw(0x11, ProxyHeaders.TcpOverIPv4, new byte[12]) },
        { "v2 length past the cap", ProxyHeaders.V2Raw(ProxyHeaders.Proxy, ProxyHeaders.TcpOverIPv4, new byte[12], declaredLength: 60_000) },
        { "v2 TLV past its end", ProxyHeaders.V2Raw(ProxyHeaders.Proxy, ProxyHeaders.TcpOverIPv4, [.. new byte[12], 0x04, 0x01, 0x00]) },
        { "TLS ClientHello", [0x16, 0x03, 0x01, 0x00, 0xF4, 0x01] },
    };

    [Theory]
    [MemberData(nameof(BrokenHeaders))]
    public async Task BrokenHeader_IsRefused_AsProxyProtocolError_WithNothingEchoed(string name, byte[] header)
    {
        using var timeout = TestTimeout.Start();
        using var socket = await App.ConnectEchoAsync(timeout.Token);

        await socket.SendAllAsync(Concat(header, s_hello), timeout.Token);

        Assert.Empty(await socket.ReceiveUntilClosedAsync(timeout.Token));
        Assert.True("proxy_protocol_error" == await App.CloseReasonOfAsync(socket), name);
    }

    [Fact]
    public async Task SlowHeader_IsClosedAtTheHeaderTimeout_AndItsDurationCountsFromTheAccept()
    {
        using var timeout = TestTimeout.Start();
        using var socket = await App.ConnectEchoAsync(timeout.Token);

        await socket.SendAllAsync(ProxyHeaders.V1("PROXY TCP4 203.0.113.7 "), timeout.Token);

        Assert.Empty(await socket.ReceiveUntilClosedAsync(timeout.Token));
        Assert.Equal("proxy_protocol_timeout", await App.CloseReasonOfAsync(socket));
        var session = Assert.Single(App.ClosedSessions());
        var lived = TimeProvider.System.GetElapsedTime(session.StartTimestamp, session.ClosedTimestamp);
        Assert.InRange(lived, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
        Assert.Single(App.Logs.WithEvent("ProxyHeaderTimedOut"));
    }

    [Fact]
    public async Task ConnectAndClose_AsAHealthCheckDoes_IsClientClosed()
    {
        using var timeout = TestTimeout.Start();
        using var socket = await App.ConnectEchoAsync(timeout.Token);

        socket.Shutdown(SocketShutdown.Send);

        Assert.Empty(await socket.ReceiveToEndAsync(timeout.Token));
        Assert.Equal("client_closed", await App.CloseReasonOfAsync(socket));
    }

    [Theory]
    [InlineData("v2 LOCAL")]
    [InlineData("v1 UNKNOWN")]
    public async Task HeaderWithoutAddresses_KeepsTheRealOnes(string kind)
    {
        using var timeout = TestTimeout.Start();
        using var socket = await App.ConnectEchoAsync(timeout.Token);
        var header = kind == "v2 LOCAL"
            ? ProxyHeaders.V2Raw(ProxyHeaders.Local, ProxyHeaders.Unspecified, [])
            : ProxyHeaders.V1("PROXY UNKNOWN\r\n");

        await socket.SendAllAsync(header, timeout.Token);
        await socket.AssertHolaMundoEchoedAsync(timeout.Token);

        var session = Assert.Single(App.Registry.Snapshot());
        Assert.Equal(socket.LocalEndPoint, session.RemoteEndPoint);
        Assert.Equal(App.EchoEndPoint, session.LocalEndPoint);
        Assert.Null(session.ProxyEndPoint);
    }

    private static byte[] Concat(byte[] header, byte[] payload) => [.. header, .. payload];

    private async Task<Socket> ConnectThroughProxyAsync(string clientAddress, int clientPort, CancellationToken cancellationToken)
    {
        var socket = await App.ConnectEchoAsync(cancellationToken);
        await socket.SendAllAsync(ProxyHeaders.V1($"PROXY TCP4 {clientAddress} 192.0.2.1 {clientPort} 9999\r\n"), cancellationToken);
        return socket;
    }
}
