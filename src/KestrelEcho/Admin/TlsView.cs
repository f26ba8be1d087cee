using System.Text.Json.Serialization;
using KestrelEcho.Connections;

namespace KestrelEcho.Admin;

/// <summary>A TLS connection's handshake, as <c>/connections</c> shows it: <c>"tls": {"protocol": "TLSv1.3", …}</c>.</summary>
internal sealed record TlsView(
    string Protocol,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Cipher,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Sni,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Alpn,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ClientCertificate)
{
    /// <summary>Cipher suites by their IANA names (<c>TLS_AES_256_GCM_SHA384</c>), as .NET names them.</summary>
    public static TlsView? Of(TlsDetails? tls) => tls is null ? null : new(
        tls.Protocol.ToName(),
        tls.CipherSuite?.ToString(),
        tls.ServerName,
        tls.ApplicationProtocol,
        tls.ClientCertificateSubject);
}
