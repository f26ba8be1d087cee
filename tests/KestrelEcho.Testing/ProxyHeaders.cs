using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace KestrelEcho.Testing;

/// <summary>PROXY protocol headers as a load balancer sends them (haproxy's proxy-protocol.txt).</summary>
public static class ProxyHeaders
{
    public const byte Local = 0x20;
    public const byte Proxy = 0x21;
    public const byte TcpOverIPv4 = 0x11;
    public const byte TcpOverIPv6 = 0x21;
    public const byte UdpOverIPv4 = 0x12;
    public const byte UnixStream = 0x31;
    public const byte Unspecified = 0x00;

    public static ReadOnlySpan<byte> V2Signature => [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    public static byte[] V1(string line) => Encoding.ASCII.GetBytes(line);

    /// <summary>A v2 PROXY header for TCP from <paramref name="source"/> to <paramref name="destination"/>, then <paramref name="tlvs"/>.</summary>
    public static byte[] V2(IPEndPoint source, IPEndPoint destination, params byte[][] tlvs)
    {
        var addresses = new List<byte>();
        addresses.AddRange(source.Address.GetAddressBytes());
        addresses.AddRange(destination.Address.GetAddressBytes());
        addresses.AddRange(BigEndian((ushort)source.Port));
        addresses.AddRange(BigEndian((ushort)destination.Port));
        var family = source.AddressFamily == AddressFamily.InterNetwork ? TcpOverIPv4 : TcpOverIPv6;
        return V2Raw(Proxy, family, [.. addresses, .. tlvs.SelectMany(static tlv => tlv)]);
    }

    /// <summary>Any v2 header: the signature, the two bytes given, the length of <paramref name="block"/>, then the block.</summary>
    public static byte[] V2Raw(byte versionAndCommand, byte familyAndTransport, byte[] block, int? declaredLength = null) =>
    [
        .. V2Signature,
        versionAndCommand,
        familyAndTransport,
        .. BigEndian((ushort)(declaredLength ?? block.Length)),
        .. block,
    ];

    public static byte[] Tlv(byte type, int length) => [type, .. BigEndian((ushort)length), .. new byte[length]];

    private static byte[] BigEndian(ushort value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, value);
        return bytes;
    }
}
