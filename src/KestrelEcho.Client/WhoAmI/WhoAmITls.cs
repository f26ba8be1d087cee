namespace KestrelEcho.Client.WhoAmI;

/// <summary>The TLS handshake as the service saw it; each member left out when it did not apply.</summary>
internal sealed record WhoAmITls(string? Protocol, string? Cipher, string? Sni, string? Alpn, string? ClientCertificate);
