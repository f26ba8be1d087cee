using System.Net.Http.Json;
using System.Security.Authentication;
using System.Text.Json;
using KestrelEcho.Testing;
using KestrelEcho.Tests.Infrastructure;

namespace KestrelEcho.Tests.Tls;

/// <summary>What a TLS connection's handshake agreed, as <c>/connections</c> shows it, checked against the client's own view.</summary>
public sealed class TlsDetailsTests(TlsEchoAppFactory app) : EchoAppTest<TlsEchoAppFactory>(app)
{
    [Theory]
    [InlineData(SslProtocols.Tls12, "TLSv1.2")]
    [InlineData(SslProtocols.Tls13, "TLSv1.3")]
    public async Task TlsConnection_ShowsProtocolCipherAndSni_LiveAndClosed(SslProtocols protocol, string protocolName)
    {
        using var timeout = TestTimeout.Start();
        using var http = App.CreateClient();
        await using var tls = await App.ConnectEchoTlsAsync(App.Certificate.Certificate, timeout.Token, protocols: protocol, serverName: "echo.test");
        await tls.AssertHolaMundoEchoedAsync(timeout.Token);
        var cipher = tls.NegotiatedCipherSuite.ToString();

        var listed = await ListedTlsConnectionAsync(http, timeout.Token);
        var id = listed.GetProperty("id").GetString();
        var live = await http.GetFromJsonAsync<JsonElement>($"/connections/{id}", timeout.Token);
        await tls.DisposeAsync();
        JsonElement closed = default;
        await Poll.UntilAsync(
            async () =>
            {
                var recent = await http.GetFromJsonAsync<JsonElement>("/connections/recent", timeout.Token);
                closed = recent.GetProperty("connections").EnumerateArray().FirstOrDefault(c => c.GetProperty("id").GetString() == id);
                return closed.ValueKind == JsonValueKind.Object;
            },
            TimeSpan.FromSeconds(10),
            $"connection {id} in /connections/recent");

        foreach (var view in new[] { listed, live, closed })
        {
            var shown = view.GetProperty("tls");
            Assert.Equal(protocolName, shown.GetProperty("protocol").GetString());
            Assert.Equal(cipher, shown.GetProperty("cipher").GetString());
            Assert.Equal("echo.test", shown.GetProperty("sni").GetString());

            // The endpoint agrees to no ALPN protocol and asks for no client certificate.
            Assert.Equal(["protocol", "cipher", "sni"], shown.EnumerateObject().Select(static p => p.Name));
            Assert.False(view.TryGetProperty("proxyTlvs", out _));
        }
    }

    [Fact]
    public async Task PlainTcpConnection_ShowsNoTls()
    {
        using var timeout = TestTimeout.Start();
        using var http = App.CreateClient();
        using var socket = await App.ConnectEchoAsync(timeout.Token);
        await socket.AssertHolaMundoEchoedAsync(timeout.Token);
        var id = await http.LiveConnectionIdAsync(socket, timeout.Token);

        var live = await http.GetFromJsonAsync<JsonElement>($"/connections/{id}", timeout.Token);

        Assert.Equal("tcp", live.GetProperty("transport").GetString());
        Assert.False(live.TryGetProperty("tls", out _), live.ToString());
    }

    /// <summary>The one live TLS connection, from <c>/connections</c>, once its handshake is on the session.</summary>
    private static async Task<JsonElement> ListedTlsConnectionAsync(HttpClient http, CancellationToken cancellationToken)
    {
        JsonElement listed = default;
        await Poll.UntilAsync(
            async () =>
            {
                var page = await http.GetFromJsonAsync<JsonElement>("/connections?transport=tls&state=echo", cancellationToken);
                listed = page.GetProperty("connections").EnumerateArray().SingleOrDefault();
                return listed.ValueKind == JsonValueKind.Object;
            },
            TimeSpan.FromSeconds(10),
            "the TLS connection in /connections");
        return listed;
    }
}
