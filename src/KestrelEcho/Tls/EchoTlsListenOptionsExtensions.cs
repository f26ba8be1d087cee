using System.Net.Security;
using System.Security.Authentication;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace KestrelEcho.Tls;

internal static class EchoTlsListenOptionsExtensions
{
    /// <summary>
    /// Set explicitly rather than left to the operating system, whose OpenSSL settings differ from host to host and
    /// image to image: TLS 1.0 and 1.1 are deprecated (RFC 8996).
    /// </summary>
    public const SslProtocols Protocols = SslProtocols.Tls12 | SslProtocols.Tls13;

    /// <summary>The most <see cref="CancellationTokenSource.CancelAfter(TimeSpan)"/>, which times the handshake, accepts.</summary>
    public static readonly TimeSpan MaxHandshakeTimeout = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    /// <summary>
    /// TLS in front of the rest of <paramref name="listen"/>'s pipeline: TLS 1.2 or 1.3, no ALPN, the certificate
    /// <paramref name="certificates"/> holds when each handshake starts, and at most
    /// <paramref name="handshakeTimeout"/> for a client to complete its handshake.
    /// </summary>
    public static ListenOptions UseEchoTls(this ListenOptions listen, EchoTlsCertificateStore certificates, TimeSpan handshakeTimeout)
    {
        // Kestrel accepts InfiniteTimeSpan, then fails every handshake: it becomes TimeSpan.MaxValue, which CancelAfter refuses.
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(handshakeTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(handshakeTimeout, MaxHandshakeTimeout);

        return listen.UseHttps(new TlsHandshakeCallbackOptions
        {
            HandshakeTimeout = handshakeTimeout,
            OnConnection = _ => ValueTask.FromResult(ServerOptions(certificates.Current)),
        });
    }

    private static SslServerAuthenticationOptions ServerOptions(SslStreamCertificateContext certificate) => new()
    {
        ServerCertificateContext = certificate,
        EnabledSslProtocols = Protocols,

        // Raw echo, not HTTP: agreeing to h2 or http/1.1 through ALPN would mislead clients.
        ApplicationProtocols = [],
    };
}
