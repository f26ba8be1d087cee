using System.Security.Authentication;
using System.Text;
using KestrelEcho.Testing;

namespace KestrelEcho.Tests.Tls;

/// <summary>
/// The TLS echo endpoint speaks TLS 1.2 and 1.3, and nothing older even on a host whose OpenSSL would allow it.
/// </summary>
public sealed class TlsProtocolTests : FreshAppTest
{
    private const byte AlertRecord = 0x15;
    private const byte FatalAlert = 2;
    private const byte ProtocolVersionAlert = 70;

    // What RHEL's LEGACY crypto policy or an old distribution gives: OpenSSL itself allows TLS 1.0 and 1.1.
    private const string LegacyOpenSslConfig = """
        openssl_conf = openssl_init
        [openssl_init]
        ssl_conf = ssl_section
        [ssl_section]
        system_default = system_default_section
        [system_default_section]
        MinProtocol = TLSv1
        CipherString = DEFAULT@SECLEVEL=0
        """;

    [Theory]
    [InlineData(SslProtocols.Tls12)]
    [InlineData(SslProtocols.Tls13)]
    public async Task ClientOfferingOnlyOneCurrentVersion_IsEchoedInThatVersion(SslProtocols protocol)
    {
        using var certificate = TestCertificate.Create();
        var app = await StartAppAsync(app => app.WithTls(certificate));
        using var timeout = TestTimeout.Start();

        await using var tls = await app.ConnectEchoTlsAsync(certificate.Certificate, timeout.Token, protocols: protocol);
        await tls.WriteAsync("Hola mundo"u8.ToArray(), timeout.Token);
        var echoed = new byte[10];
        await tls.ReadExactlyAsync(echoed, timeout.Token);

        Assert.Equal(protocol, tls.SslProtocol);
        Assert.Equal("Hola mundo", Encoding.UTF8.GetString(echoed));
    }

    /// <summary>
    /// The test process's own OpenSSL refuses to offer TLS 1.0 or 1.1, so the client is a ClientHello written by
    /// hand, and the service runs as its own process under an OpenSSL configuration that allows them. Left to that
    /// configuration, the service would answer with a ServerHello; under Debian's default, with a handshake_failure.
    /// Only the service's own choice of versions answers protocol_version.
    /// </summary>
    [Theory]
    [InlineData(0x0301)]
    [InlineData(0x0302)]
    public async Task Tls10And11Clients_AreRefusedForTheirVersion_EvenWhereTheHostsOpenSslAllowsThem(int version)
    {
        using var certificate = TestCertificate.Create();
        var legacyConfig = certificate.Write("openssl-legacy.cnf", Encoding.UTF8.GetBytes(LegacyOpenSslConfig));
        string[] arguments = [.. certificate.Settings(CertificateFormat.PemWithKeyInside).SelectMany(static setting => (string[])[$"--{setting.Key}", setting.Value])];
        await using var service = ServiceProcess.Start(new Dictionary<string, string?> { ["OPENSSL_CONF"] = legacyConfig }, arguments);
        var endPoint = await service.WaitForEchoTlsEndPointAsync();
        using var timeout = TestTimeout.Start();
        using var client = await TcpClients.ConnectAsync(endPoint, timeout.Token);

        await client.SendAllAsync(ClientHello((ushort)version), timeout.Token);
        var reply = await client.ReceiveExactlyAsync(7, timeout.Token);

        Assert.True(
            reply[0] == AlertRecord && reply[3..] is [0x00, 0x02, FatalAlert, ProtocolVersionAlert],
            $"expected a fatal protocol_version alert (15 03 0x 00 02 02 46), got {Convert.ToHexString(reply)}");
    }

    /// <summary>
    /// A minimal ClientHello for <paramref name="version"/> (0x0301 is TLS 1.0, 0x0302 TLS 1.1) with the ECDSA cipher
    /// suites of those versions, which the test certificate's P-256 key can serve.
    /// </summary>
    private static byte[] ClientHello(ushort version)
    {
        byte[] body =
        [
            (byte)(version >> 8), (byte)version,
            .. new byte[32],                                               // client random
            0x00,                                                          // no session id
            0x00, 0x08, 0xC0, 0x0A, 0xC0, 0x09, 0x00, 0x35, 0x00, 0x2F,    // ECDHE-ECDSA-AES256/128-SHA, AES256/128-SHA
            0x01, 0x00,                                                    // no compression
            0x00, 0x0E,                                                    // 14 bytes of extensions:
            0x00, 0x0A, 0x00, 0x04, 0x00, 0x02, 0x00, 0x17,                // supported_groups: secp256r1
            0x00, 0x0B, 0x00, 0x02, 0x01, 0x00,                            // ec_point_formats: uncompressed
        ];
        byte[] handshake = [0x01, 0x00, (byte)(body.Length >> 8), (byte)body.Length, .. body];
        return [0x16, 0x03, 0x01, (byte)(handshake.Length >> 8), (byte)handshake.Length, .. handshake];
    }
}
