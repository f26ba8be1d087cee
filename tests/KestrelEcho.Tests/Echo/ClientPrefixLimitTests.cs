using System.Net;
using System.Net.Sockets;
using KestrelEcho.Testing;

namespace KestrelEcho.Tests.Echo;

/// <summary>
/// <c>Echo:MaxConnectionsPerIp</c> counts client networks (<c>Echo:ClientPrefixV4</c>, <c>Echo:ClientPrefixV6</c>),
/// and behind PROXY protocol it counts the clients the headers name, never the balancer that carries them all. The
/// test's loopback address is the trusted proxy, so any client address can be named from loopback.
/// </summary>
public sealed class ClientPrefixLimitTests : FreshAppTest
{
    private static readonly byte[] s_hello = "Hola mundo"u8.ToArray();
    private static readonly IPEndPoint s_frontEnd = IPEndPoint.Parse("192.0.2.1:9999");

    [Fact]
    public async Task OneIPv6Slash64_IsOneClient_WhileTheNextSlash64IsAnother_AndConnectionsShowFullAddresses()
    {
        using var timeout = TestTimeout.Start();
        var app = await StartBehindProxyAsync(("Echo:MaxConnectionsPerIp", "2"));
        using var http = app.CreateClient();

        // Each echoed before the next connects: the limit counts a client once its header is read.
        using var first = await ConnectAsAsync(app, "[2001:db8:77::1]:40001", timeout.Token);
        await AssertEchoesAsync(first, timeout.Token);
        using var second = await ConnectAsAsync(app, "[2001:db8:77:0:ffff::2]:40002", timeout.Token);
        await AssertEchoesAsync(second, timeout.Token);
        using var sameSlash64 = await ConnectAsAsync(app, "[2001:db8:77:0:abcd::3]:40003", timeout.Token);
        using var nextSlash64 = await ConnectAsAsync(app, "[2001:db8:77:1::4]:40004", timeout.Token);

        await AssertEchoesAsync(nextSlash64, timeout.Token);
        Assert.Empty(await sameSlash64.ReceiveUntilClosedAsync(timeout.Token));
        Assert.Equal("per_ip_limit", await app.CloseReasonOfAsync(IPEndPoint.Parse("[2001:db8:77:0:abcd::3]:40003")));

        var listed = (await http.GetJsonAsync("/connections", timeout.Token)).GetProperty("connections").EnumerateArray()
            .Select(static connection => connection.GetProperty("remoteAddress").GetString())
            .Order(StringComparer.Ordinal);
        Assert.Equal(["2001:db8:77:0:ffff::2", "2001:db8:77:1::4", "2001:db8:77::1"], listed);
    }

    [Fact]
    public async Task ClientPrefixV6Of128_CountsEachAddress()
    {
        using var timeout = TestTimeout.Start();
        var app = await StartBehindProxyAsync(("Echo:MaxConnectionsPerIp", "1"), ("Echo:ClientPrefixV6", "128"));

        using var first = await ConnectAsAsync(app, "[2001:db8:77::1]:40001", timeout.Token);
        await AssertEchoesAsync(first, timeout.Token);
        using var second = await ConnectAsAsync(app, "[2001:db8:77::2]:40002", timeout.Token);
        await AssertEchoesAsync(second, timeout.Token);
    }

    [Fact]
    public async Task ClientPrefixV4Of24_CountsTheSlash24AsOneClient()
    {
        using var timeout = TestTimeout.Start();
        var app = await StartBehindProxyAsync(("Echo:MaxConnectionsPerIp", "1"), ("Echo:ClientPrefixV4", "24"));

        using var first = await ConnectAsAsync(app, "203.0.113.7:40001", timeout.Token);
        await AssertEchoesAsync(first, timeout.Token);
        using var sameSlash24 = await ConnectAsAsync(app, "203.0.113.200:40002", timeout.Token);
        using var otherSlash24 = await ConnectAsAsync(app, "203.0.114.7:40003", timeout.Token);

        Assert.Empty(await sameSlash24.ReceiveUntilClosedAsync(timeout.Token));
        Assert.Equal("per_ip_limit", await app.CloseReasonOfAsync(IPEndPoint.Parse("203.0.113.200:40002")));
        await AssertEchoesAsync(otherSlash24, timeout.Token);
    }

    [Fact]
    public async Task BehindProxyProtocol_TheLimitCountsTheHeadersClients_NotTheBalancer()
    {
        using var timeout = TestTimeout.Start();
        var app = await StartBehindProxyAsync(("Echo:MaxConnectionsPerIp", "1"));

        // Three clients through one balancer address: each is its own client, none is refused.
        var clients = new List<Socket>();
        try
        {
            foreach (var client in new[] { "203.0.113.1:40001", "203.0.113.2:40002", "203.0.113.3:40003" })
            {
                clients.Add(await ConnectAsAsync(app, client, timeout.Token));
                await AssertEchoesAsync(clients[^1], timeout.Token);
            }

            using var repeated = await ConnectAsAsync(app, "203.0.113.1:40004", timeout.Token);
            Assert.Empty(await repeated.ReceiveUntilClosedAsync(timeout.Token));
            Assert.Equal("per_ip_limit", await app.CloseReasonOfAsync(IPEndPoint.Parse("203.0.113.1:40004")));
        }
        finally
        {
            clients.ForEach(static client => client.Dispose());
        }
    }

    private Task<EchoAppFactory> StartBehindProxyAsync(params (string Key, string? Value)[] settings) =>
        StartAppAsync([("Echo:ProxyProtocol", "Required"), ("Echo:TrustedProxies:0", "127.0.0.1"), .. settings]);

    /// <summary>Connects through "the balancer" (loopback) with a PROXY v2 header naming <paramref name="client"/>.</summary>
    private static async Task<Socket> ConnectAsAsync(EchoAppFactory app, string client, CancellationToken cancellationToken)
    {
        var socket = await app.ConnectEchoAsync(cancellationToken);
        var source = IPEndPoint.Parse(client);
        var destination = source.AddressFamily == AddressFamily.InterNetworkV6 ? IPEndPoint.Parse("[2001:db8::1]:9999") : s_frontEnd;
        await socket.SendAllAsync(ProxyHeaders.V2(source, destination), cancellationToken);
        return socket;
    }

    private static async Task AssertEchoesAsync(Socket socket, CancellationToken cancellationToken)
    {
        await socket.SendAllAsync(s_hello, cancellationToken);
        Assert.Equal(s_hello, await socket.ReceiveExactlyAsync(s_hello.Length, cancellationToken));
    }
}
