using KestrelEcho.Testing;

namespace KestrelEcho.Tests.Proxy;

/// <summary>Whose header is believed: only a trusted proxy's, and nobody's with the feature off.</summary>
public sealed class ProxyProtocolTrustTests : FreshAppTest
{
    private static readonly byte[] s_headerAndPayload = [.. ProxyHeaders.V1("PROXY TCP4 203.0.113.7 192.0.2.1 40000 9999\r\n"), .. "Hola mundo"u8];

    [Fact]
    public async Task Required_UntrustedPeer_IsRefused_AsUntrustedProxy()
    {
        using var timeout = TestTimeout.Start();
        var app = await StartAppAsync(
            ("Echo:ProxyProtocol", "Required"),
            ("Echo:TrustedProxies:0", "10.0.0.0/8"));
        using var socket = await app.ConnectEchoAsync(timeout.Token);

        await socket.SendAllAsync(s_headerAndPayload, timeout.Token);

        Assert.Empty(await socket.ReceiveUntilClosedAsync(timeout.Token));
        Assert.Equal("untrusted_proxy", await app.CloseReasonOfAsync(socket));
        Assert.Single(app.Logs.WithEvent("UntrustedProxy"));
    }

    [Theory]
    [InlineData("Optional", "10.0.0.0/8")]
    [InlineData("Off", "127.0.0.1")]
    [InlineData(null, null)]
    public async Task UntrustedPeerOrFeatureOff_TheHeaderIsJustData(string? mode, string? trusted)
    {
        using var timeout = TestTimeout.Start();
        (string, string?)[] settings = mode is null ? [] : [("Echo:ProxyProtocol", mode), ("Echo:TrustedProxies:0", trusted)];
        var app = await StartAppAsync(settings);
        using var socket = await app.ConnectEchoAsync(timeout.Token);

        await socket.SendAllAsync(s_headerAndPayload, timeout.Token);

        Assert.Equal(s_headerAndPayload, await socket.ReceiveExactlyAsync(s_headerAndPayload.Length, timeout.Token));
        var session = Assert.Single(app.Registry.Snapshot());
        Assert.Equal(socket.LocalEndPoint, session.RemoteEndPoint);
        Assert.Null(session.ProxyEndPoint);
        socket.Dispose();
    }

    [Fact]
    public async Task EmptyTrustedProxies_WithTheFeatureOn_StopsTheRealServiceWithOneLineNamingTheSetting()
    {
        var line = await ServiceProcess.FailedStartLineAsync("--Echo:ProxyProtocol", "Optional", "--Echo:Port", "0", "--Http:Port", "0");

        Assert.Equal(
            "kestrel-echo: invalid configuration: Echo:TrustedProxies must list the proxies' addresses or CIDR ranges when Echo:ProxyProtocol is Optional; it is empty, so no header would be believed.",
            line);
    }

    [Fact]
    public async Task UnknownMode_StopsTheRealServiceWithOneLineNamingTheSetting()
    {
        var line = await ServiceProcess.FailedStartLineAsync("--Echo:ProxyProtocol", "Sometimes", "--Echo:Port", "0", "--Http:Port", "0");

        Assert.Contains("'Echo:ProxyProtocol'", line, StringComparison.Ordinal);
    }
}
