using System.Net;
using System.Security.Authentication;
using KestrelEcho.Connections;
using KestrelEcho.Net;
using KestrelEcho.Testing;

namespace KestrelEcho.Tests.Proxy;

/// <summary>The TLS echo endpoint behind a TCP load balancer: the header comes first, in the clear, then TLS.</summary>
public sealed class ProxyProtocolTlsTests : FreshAppTest
{
    [Theory]
    [InlineData("Required")]
    [InlineData("Optional")]
    public async Task HeaderThenHandshake_EchoesOverTls_AsTheHeadersClient(string mode)
    {
        using var certificate = TestCertificate.Create();
        var app = await StartAsync(certificate, mode);
        using var timeout = TestTimeout.Start();
        var header = ProxyHeaders.V2(IPEndPoint.Parse("203.0.113.7:40000"), IPEndPoint.Parse("192.0.2.1:443"));

        await using var tls = await app.ConnectEchoTlsAsync(certificate.Certificate, timeout.Token, header);
        await tls.WriteAsync("Hola TLS"u8.ToArray(), timeout.Token);
        var echoed = new byte[8];
        await tls.ReadExactlyAsync(echoed, timeout.Token);

        Assert.Equal("Hola TLS"u8.ToArray(), echoed);
        var session = Assert.Single(app.Registry.Snapshot());
        Assert.Equal(IPEndPoint.Parse("203.0.113.7:40000"), session.RemoteEndPoint);
        Assert.Equal(IPEndPoint.Parse("192.0.2.1:443"), session.LocalEndPoint);
        Assert.Equal(IPAddress.Loopback, session.ProxyEndPoint?.Address);
    }

    [Fact]
    public async Task Optional_HandshakeWithoutHeader_IsPlainTlsEcho()
    {
        using var certificate = TestCertificate.Create();
        var app = await StartAsync(certificate, "Optional");
        using var timeout = TestTimeout.Start();

        await using var tls = await app.ConnectEchoTlsAsync(certificate.Certificate, timeout.Token);
        await tls.WriteAsync("Hola TLS"u8.ToArray(), timeout.Token);
        var echoed = new byte[8];
        await tls.ReadExactlyAsync(echoed, timeout.Token);

        Assert.Equal("Hola TLS"u8.ToArray(), echoed);
        Assert.Equal(IPAddress.Loopback, Assert.Single(app.Registry.Snapshot()).RemoteEndPoint?.Address);
    }

    [Fact]
    public async Task Required_HandshakeWithoutHeader_IsRefused_AsProxyProtocolError()
    {
        using var certificate = TestCertificate.Create();
        var app = await StartAsync(certificate, "Required");
        using var timeout = TestTimeout.Start();

        var refused = await Record.ExceptionAsync(() => app.ConnectEchoTlsAsync(certificate.Certificate, timeout.Token));

        Assert.True(refused is AuthenticationException or IOException, $"the handshake should fail, got {refused}");
        await Poll.UntilAsync(() => app.Registry.Closed == 1, TimeSpan.FromSeconds(10), "the refused connection to be closed");
        Assert.Equal(CloseReason.ProxyProtocolError, Assert.Single(app.ClosedSessions()).CloseReason);
    }

    private Task<EchoAppFactory> StartAsync(TestCertificate certificate, string mode) =>
        StartAppAsync(app => app
            .WithTls(certificate, CertificateFormat.PemWithKeyFile)
            .WithSetting("Echo:ProxyProtocol", mode)
            .WithSetting("Echo:TrustedProxies:0", "127.0.0.1"));
}
