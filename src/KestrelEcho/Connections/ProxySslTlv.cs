namespace KestrelEcho.Connections;

/// <summary>
/// A PROXY v2 header's PP2_TYPE_SSL: how the client reached the balancer. <see cref="Client"/> holds the PP2_CLIENT_*
/// bits (<see cref="ClientSsl"/>, <see cref="ClientCertificateOnConnection"/>, <see cref="ClientCertificateInSession"/>);
/// <see cref="Verify"/> is 0 when the client presented a certificate that the balancer verified.
/// </summary>
internal sealed record ProxySslTlv(byte Client, uint Verify, string? Version, string? Cipher, string? CommonName)
{
    public const byte ClientSsl = 0x01;
    public const byte ClientCertificateOnConnection = 0x02;
    public const byte ClientCertificateInSession = 0x04;
}
