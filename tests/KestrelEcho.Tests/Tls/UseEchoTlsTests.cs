using System.Net;
using KestrelEcho.Testing;
using KestrelEcho.Tls;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace KestrelEcho.Tests.Tls;

public sealed class UseEchoTlsTests
{
    /// <summary>
    /// Kestrel takes both, then fails every handshake: its timer refuses them (InfiniteTimeSpan becomes
    /// TimeSpan.MaxValue). Refused when the endpoint is set up instead, so the service does not start broken.
    /// </summary>
    [Theory]
    [InlineData("infinite")]
    [InlineData("over_the_timer_limit")]
    public void HandshakeTimeoutThatWouldFailEveryHandshake_IsRefused(string timeout)
    {
        var handshakeTimeout = timeout == "infinite" ? Timeout.InfiniteTimeSpan : EchoTlsListenOptionsExtensions.MaxHandshakeTimeout + TimeSpan.FromMilliseconds(1);
        using var certificate = TestCertificate.Create();
        using var store = new EchoTlsCertificateStore(
            Options.Create(new EchoTlsOptions { Enabled = true, CertificatePath = certificate.CertificatePemPath, KeyPath = certificate.KeyPemPath }),
            TimeProvider.System,
            NullLogger<EchoTlsCertificateStore>.Instance);
        Exception? refused = null;

        new KestrelServerOptions().Listen(IPAddress.Loopback, 0, listen => refused = Record.Exception(() => listen.UseEchoTls(store, handshakeTimeout)));

        Assert.IsType<ArgumentOutOfRangeException>(refused);
    }
}
