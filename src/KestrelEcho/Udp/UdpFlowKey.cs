using System.Buffers.Binary;
using System.Net;

namespace KestrelEcho.Udp;

/// <summary>
/// A datagram's source as the flow table's key: the address in its IPv6 form (IPv4 as <c>::ffff:a.b.c.d</c>) and
/// the port, in a struct, so looking a source up allocates nothing.
/// </summary>
internal readonly struct UdpFlowKey(UInt128 address, ushort port) : IEquatable<UdpFlowKey>
{
    public UInt128 Address { get; } = address;

    public ushort Port { get; } = port;

    public static UdpFlowKey Of(IPEndPoint endPoint)
    {
        Span<byte> bytes = stackalloc byte[16];
        endPoint.Address.MapToIPv6().TryWriteBytes(bytes, out _);
        return new UdpFlowKey(BinaryPrimitives.ReadUInt128BigEndian(bytes), (ushort)endPoint.Port);
    }

    public IPEndPoint ToEndPoint() => new(ToAddress(Address), Port);

    /// <summary>The address as people read it: an IPv4 address in its IPv4 form.</summary>
    public static IPAddress ToAddress(UInt128 address)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, address);
        var ip = new IPAddress(bytes);
        return ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip;
    }

    public bool Equals(UdpFlowKey other) => Address == other.Address && Port == other.Port;

    public override bool Equals(object? obj) => obj is UdpFlowKey other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Address, Port);
}
