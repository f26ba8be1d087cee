using System.Security.Authentication;
using System.Text;
using KestrelEcho.Connections;
using KestrelEcho.Echo;
using KestrelEcho.Health;
using KestrelEcho.Hosting;
using KestrelEcho.Net;
using KestrelEcho.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace KestrelEcho.Tests.Tls;

/// <summary>The TLS echo endpoint, each test on its own app with its own certificate.</summary>
public sealed class TlsEchoTests : FreshAppTest
{
    [Theory]
    [InlineData(CertificateFormat.Pkcs12)]
    [InlineData(CertificateFormat.PemWithKeyFile)]
    [InlineData(CertificateFormat.PemWithEncryptedKeyFile)]
    [InlineData(CertificateFormat.PemWithKeyInside)]
    public async Task HolaMundoAndOneMiB_ComeBackByteForByte_UnderTheConfiguredCertificate(CertificateFormat format)
    {
        using var certificate = TestCertificate.Create();
        var app = await StartAsync(certificate, format);
        using var timeout = TestTimeout.Start();
        await using var tls = await app.ConnectEchoTlsAsync(certificate.Certificate, timeout.Token);

        await tls.WriteAsync("Hola mundo"u8.ToArray(), timeout.Token);
        var hello = new byte[10];
        await tls.ReadExactlyAsync(hello, timeout.Token);

        // Concurrently, or both sides' buffers fill and the exchange deadlocks by design (backpressure).
        var payload = Payload.Random(1024 * 1024, seed: 443);
        var sending = tls.WriteAsync(payload, timeout.Token).AsTask();
        var echoed = new byte[payload.Length];
        await tls.ReadExactlyAsync(echoed, timeout.Token);
        await sending;

        // close_notify is TLS's end of stream: the service echoes what is left, then closes its side.
        await tls.ShutdownAsync();
        var tail = await tls.ReadAsync(new byte[1], timeout.Token);

        Assert.Equal("Hola mundo", Encoding.UTF8.GetString(hello));
        Assert.True(payload.AsSpan().SequenceEqual(echoed), "the 1 MiB echo over TLS differs from what was sent");
        Assert.Equal(0, tail);
        Assert.Equal(default, tls.NegotiatedApplicationProtocol);
        await Poll.UntilAsync(() => app.Registry.Closed == 1, TimeSpan.FromSeconds(10), "the connection to close");
        Assert.Equal(1, app.Registry.Opened);
    }

    [Fact]
    public async Task PlainEcho_KeepsWorking_BesideTheTlsEndpoint()
    {
        using var certificate = TestCertificate.Create();
        var app = await StartAsync(certificate, CertificateFormat.PemWithKeyFile);
        using var timeout = TestTimeout.Start();
        using var plain = await app.ConnectEchoAsync(timeout.Token);
        await using var tls = await app.ConnectEchoTlsAsync(certificate.Certificate, timeout.Token);

        await plain.SendAllAsync("Hola mundo"u8.ToArray(), timeout.Token);
        await tls.WriteAsync("Hola TLS"u8.ToArray(), timeout.Token);
        var plainEcho = await plain.ReceiveExactlyAsync(10, timeout.Token);
        var tlsEcho = new byte[8];
        await tls.ReadExactlyAsync(tlsEcho, timeout.Token);

        Assert.NotEqual(app.EchoEndPoint.Port, app.EchoTlsEndPoint.Port);
        Assert.Equal("Hola mundo", Encoding.UTF8.GetString(plainEcho));
        Assert.Equal("Hola TLS", Encoding.UTF8.GetString(tlsEcho));
        Assert.Equal(2, app.Registry.Active);
    }

    [Fact]
    public async Task Started_LogsTheTlsEndpointWithTheBoundPort()
    {
        using var certificate = TestCertificate.Create();
        var app = await StartAsync(certificate, CertificateFormat.Pkcs12);

        var line = Assert.Single(app.Logs.WithEvent("EchoTlsListening"));

        Assert.Equal($"TLS echo endpoint listening on tls://127.0.0.1:{app.EchoTlsEndPoint.Port}", line.Message);
    }

    [Fact]
    public async Task ByDefault_ThereIsNoTlsEndpoint()
    {
        var app = await StartAppAsync();

        Assert.Null(app.Services.GetRequiredService<ListenEndpoints>().EchoTls);
        Assert.Empty(app.Logs.WithEvent("EchoTlsListening"));
    }

    [Fact]
    public async Task ClientExpectingAnotherCertificate_RefusesTheHandshake()
    {
        using var served = TestCertificate.Create();
        using var other = TestCertificate.Create();
        var app = await StartAsync(served, CertificateFormat.Pkcs12);
        using var timeout = TestTimeout.Start();

        await Assert.ThrowsAsync<AuthenticationException>(() => app.ConnectEchoTlsAsync(other.Certificate, timeout.Token));

        // The server's side of a TLS 1.3 handshake completes before the client checks the certificate, so the
        // connection may reach the echo handler; it must still close without a trace (the check after each test).
        Assert.Empty(app.Logs.AtOrAbove(Microsoft.Extensions.Logging.LogLevel.Warning));
    }

    private Task<EchoAppFactory> StartAsync(TestCertificate certificate, CertificateFormat format) =>
        StartAppAsync(app => app.WithTls(certificate, format));
}
