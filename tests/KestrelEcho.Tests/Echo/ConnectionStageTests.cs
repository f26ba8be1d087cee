using System.Diagnostics;
using System.Net;
using System.Text.Json;
using KestrelEcho.Testing;
using KestrelEcho.Tests.Infrastructure;

namespace KestrelEcho.Tests.Echo;

/// <summary>
/// Connections still on their way to the echo (waiting for a PROXY header, in the TLS handshake) hold a slot of
/// <c>Echo:MaxConnections</c>, show their stage in <c>/connections</c>, and are closed when their stage's time runs out.
/// </summary>
public sealed class ConnectionStageTests : FreshAppTest
{
    private static readonly TimeSpan s_handshakeTimeout = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task SilentTlsClient_IsListedInTheHandshake_HoldsASlot_AndIsClosedAtTheHandshakeTimeout()
    {
        using var certificate = TestCertificate.Create();
        using var timeout = TestTimeout.Start();
        var app = await StartAppAsync(app => app.WithTls(certificate)
            .WithSetting("Echo:MaxConnections", "1")
            .WithSetting("Echo:HandshakeTimeout", $"{s_handshakeTimeout:c}"));
        using var http = app.CreateClient();

        // Started before the connect, so it measures no less than the service's handshake clock.
        var sinceConnect = Stopwatch.StartNew();
        using var silent = await TcpClients.ConnectAsync(app.EchoTlsEndPoint, timeout.Token);
        var listed = await ListedAsync(http, silent, timeout.Token);
        Assert.Equal("tls_handshake", listed.GetProperty("stage").GetString());

        // The one slot is the silent client's: a plain client is refused while it waits.
        using var refused = await app.ConnectEchoAsync(timeout.Token);
        await app.AssertClosedWithoutEchoAsync(refused, "connection_limit", timeout.Token);

        Assert.Empty(await silent.ReceiveUntilClosedAsync(timeout.Token));
        Assert.True(sinceConnect.Elapsed >= s_handshakeTimeout, $"closed {sinceConnect.Elapsed.TotalSeconds:0.000} s after the connect, before the {s_handshakeTimeout.TotalSeconds} s handshake timeout");
        Assert.Equal("handshake_timeout", await app.CloseReasonOfAsync(silent));
        var refusedEntry = Assert.Single(
            (await http.GetJsonAsync("/connections/recent?kind=refused", timeout.Token)).GetProperty("connections").EnumerateArray(),
            static connection => connection.GetProperty("closeReason").GetString() == "handshake_timeout");
        Assert.Equal("tls_handshake", refusedEntry.GetProperty("stage").GetString());

        // The slot is free again.
        using var admitted = await app.ConnectEchoAsync(timeout.Token);
        await admitted.AssertHolaMundoEchoedAsync(timeout.Token);
    }

    [Fact]
    public async Task ClientWaitingForItsProxyHeader_IsListedInThatStage_AndHoldsASlot()
    {
        using var timeout = TestTimeout.Start();
        var app = await StartAppAsync(
            ("Echo:ProxyProtocol", "Required"),
            ("Echo:TrustedProxies:0", "127.0.0.1"),
            ("Echo:ProxyHeaderTimeout", "00:00:30"),
            ("Echo:MaxConnections", "1"));
        using var http = app.CreateClient();

        using var waiting = await app.ConnectEchoAsync(timeout.Token);
        Assert.Equal("proxy_header", (await ListedAsync(http, waiting, timeout.Token)).GetProperty("stage").GetString());
        using var refused = await app.ConnectEchoAsync(timeout.Token);
        await app.AssertClosedWithoutEchoAsync(refused, "connection_limit", timeout.Token);

        await waiting.SendAllAsync(ProxyHeaders.V2(IPEndPoint.Parse("203.0.113.7:40000"), IPEndPoint.Parse("192.0.2.1:9999")), timeout.Token);
        await waiting.AssertHolaMundoEchoedAsync(timeout.Token);
        var echoing = Assert.Single((await http.GetJsonAsync("/connections", timeout.Token)).GetProperty("connections").EnumerateArray());
        Assert.Equal("echo", echoing.GetProperty("stage").GetString());
        Assert.Equal("203.0.113.7", echoing.GetProperty("remoteAddress").GetString());
    }

    /// <summary>The client's entry in <c>/connections</c>, once it is there.</summary>
    private static async Task<JsonElement> ListedAsync(HttpClient http, System.Net.Sockets.Socket client, CancellationToken cancellationToken)
    {
        var id = await http.LiveConnectionIdAsync(client, cancellationToken);
        return (await http.GetJsonAsync("/connections", cancellationToken)).GetProperty("connections").EnumerateArray()
            .Single(connection => connection.GetProperty("id").GetString() == id);
    }
}
