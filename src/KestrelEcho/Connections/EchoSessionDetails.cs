using System.Net;

namespace KestrelEcho.Connections;

/// <summary>
/// What only some sessions learn: a PROXY header's details and a TLS handshake's outcome. Kept apart from
/// <see cref="EchoSession"/> and made on first use, so a plain connection, the common case, does not carry four empty
/// fields for as long as it stays open. Written once each, by the layer that learns them; read through volatile reads.
/// </summary>
internal sealed class EchoSessionDetails
{
    private IPEndPoint? _proxyEndPoint;
    private ProxyTlvs? _proxyTlvs;
    private int _proxyVersion;
    private TlsDetails? _tls;

    public IPEndPoint? ProxyEndPoint => Volatile.Read(ref _proxyEndPoint);

    public ProxyTlvs? ProxyTlvs => Volatile.Read(ref _proxyTlvs);

    public int ProxyVersion => Volatile.Read(ref _proxyVersion);

    public TlsDetails? Tls => Volatile.Read(ref _tls);

    public void OnProxyHeader(int version, IPEndPoint? proxy, ProxyTlvs? tlvs)
    {
        Volatile.Write(ref _proxyVersion, version);
        Volatile.Write(ref _proxyTlvs, tlvs);
        Volatile.Write(ref _proxyEndPoint, proxy);
    }

    public void OnTlsHandshake(TlsDetails details) => Volatile.Write(ref _tls, details);
}
