using System.Net;
using KestrelEcho.Connections;

namespace KestrelEcho.Proxy;

/// <summary>
/// What a PROXY protocol header said. <see cref="Source"/> and <see cref="Destination"/> are null when it
/// carries no addresses to use (v2 LOCAL, v1 UNKNOWN, a family or transport other than TCP over IPv4/IPv6):
/// the connection then keeps its real endpoints, as the specification asks. <see cref="Tlvs"/> holds what a v2
/// header's TLVs said about the client, when they said anything that matters here.
/// </summary>
internal readonly record struct ProxyHeader(int Version, IPEndPoint? Source, IPEndPoint? Destination, ProxyTlvs? Tlvs = null)
{
    public bool HasAddresses => Source is not null;
}
