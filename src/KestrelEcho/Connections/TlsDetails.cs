using System.Net.Security;
using System.Security.Authentication;

namespace KestrelEcho.Connections;

/// <summary>
/// What a connection's TLS handshake agreed, recorded on its session once, when the handshake completes: the
/// protocol version, the cipher suite, the name the client asked for (SNI), the application protocol (ALPN) and the
/// subject of the client's certificate, each null when the handshake had none.
/// </summary>
internal sealed record TlsDetails(
    SslProtocols Protocol,
    TlsCipherSuite? CipherSuite,
    string? ServerName,
    string? ApplicationProtocol,
    string? ClientCertificateSubject);
