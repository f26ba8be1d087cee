using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using KestrelEcho.Testing;

namespace KestrelEcho.Tests.Proxy;

/// <summary>A balancer's v2 header with TLVs, end to end: what they say about the client is on <c>/connections</c>.</summary>
public sealed class ProxyTlvConnectionsTests() : ConfiguredAppTest(
    ("Echo:ProxyProtocol", "Required"),
    ("Echo:TrustedProxies:0", "127.0.0.1"))
{
    private static readonly IPEndPoint s_client = IPEndPoint.Parse("203.0.113.7:40000");
    private static readonly IPEndPoint s_destination = IPEndPoint.Parse("192.0.2.1:9999");
    private static readonly byte[] s_hello = "Hola mundo"u8.ToArray();

    [Fact]
    public async Task HeaderWithAuthorityAndAwsVpceId_ShowsThem_LiveAndClosed()
    {
        using var timeout = TestTimeout.Start();
        using var http = App.CreateClient();
        using var socket = await App.ConnectEchoAsync(timeout.Token);
        var header = ProxyHeaders.WithCrc32C(ProxyHeaders.V2(
            s_client,
            s_destination,
            ProxyHeaders.Tlv(ProxyHeaders.TypeAuthority, "echo.example.com"),
            ProxyHeaders.AwsVpceId("vpce-08d2bf15fac5001c9")));

        await socket.SendAllAsync((byte[])[.. header, .. s_hello], timeout.Token);
        Assert.Equal(s_hello, await socket.ReceiveExactlyAsync(s_hello.Length, timeout.Token));
        var listed = Assert.Single((await http.GetJsonAsync("/connections", timeout.Token)).GetProperty("connections").EnumerateArray());
        var id = listed.GetProperty("id").GetString();
        var live = await http.GetJsonAsync($"/connections/{id}", timeout.Token);
        socket.Shutdown(SocketShutdown.Send);
        Assert.Equal("client_closed", await App.CloseReasonOfAsync(s_client));
        var closed = Assert.Single((await http.GetJsonAsync("/connections/recent", timeout.Token)).GetProperty("connections").EnumerateArray());

        foreach (var view in new[] { listed, live, closed })
        {
            Assert.Equal("203.0.113.7", view.GetProperty("remoteAddress").GetString());
            var tlvs = view.GetProperty("proxyTlvs");
            Assert.Equal(
                """{"authority":"echo.example.com","awsVpceId":"vpce-08d2bf15fac5001c9"}""",
                JsonSerializer.Serialize(tlvs));
            Assert.False(view.TryGetProperty("tls", out _));
        }
    }

    [Fact]
    public async Task HeaderWithoutTlvs_ShowsNoProxyTlvs()
    {
        using var timeout = TestTimeout.Start();
        using var http = App.CreateClient();
        using var socket = await App.ConnectEchoAsync(timeout.Token);

        await socket.SendAllAsync((byte[])[.. ProxyHeaders.V2(s_client, s_destination), .. s_hello], timeout.Token);
        Assert.Equal(s_hello, await socket.ReceiveExactlyAsync(s_hello.Length, timeout.Token));
        var listed = Assert.Single((await http.GetJsonAsync("/connections", timeout.Token)).GetProperty("connections").EnumerateArray());

        Assert.Equal("127.0.0.1", IPEndPoint.Parse(listed.GetProperty("proxy").GetString()!).Address.ToString());
        Assert.False(listed.TryGetProperty("proxyTlvs", out _), listed.ToString());
    }

    [Fact]
    public async Task HeaderWithAWrongCrc32C_IsRefused_AsProxyProtocolError()
    {
        using var timeout = TestTimeout.Start();
        using var socket = await App.ConnectEchoAsync(timeout.Token);
        var header = ProxyHeaders.WithCrc32C(ProxyHeaders.V2(s_client, s_destination, ProxyHeaders.Tlv(ProxyHeaders.TypeAuthority, "echo.example.com")), error: 1);

        await socket.SendAllAsync((byte[])[.. header, .. s_hello], timeout.Token);

        Assert.Empty(await socket.ReceiveToEndAsync(timeout.Token));
        Assert.Equal("proxy_protocol_error", await App.CloseReasonOfAsync(socket));
    }
}
