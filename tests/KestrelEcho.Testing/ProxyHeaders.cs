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

    public const byte TypeAlpn = 0x01;
    public const byte TypeAuthority = 0x02;
    public const byte TypeCrc32C = 0x03;
    public const byte TypeNoop = 0x04;
    public const byte TypeUniqueId = 0x05;
    public const byte TypeSsl = 0x20;
    public const byte SubtypeSslVersion = 0x21;
    public const byte SubtypeSslCommonName = 0x22;
    public const byte SubtypeSslCipher = 0x23;
    public const byte SubtypeSslSignatureAlgorithm = 0x24;
    public const byte TypeNetworkNamespace = 0x30;
    public const byte TypeGcp = 0xE0;
    public const byte TypeAws = 0xEA;
    public const byte TypeAzure = 0xEE;

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

    /// <summary>A TLV of <paramref name="length"/> zero bytes.</summary>
    public static byte[] Tlv(byte type, int length) => Tlv(type, new byte[length]);

    public static byte[] Tlv(byte type, byte[] value) => [type, .. BigEndian((ushort)value.Length), .. value];

    public static byte[] Tlv(byte type, string text) => Tlv(type, Encoding.UTF8.GetBytes(text));

    /// <summary>AWS NLB's TLV: subtype 0x01, then the VPC endpoint id.</summary>
    public static byte[] AwsVpceId(string id) => Tlv(TypeAws, [0x01, .. Encoding.ASCII.GetBytes(id)]);

    /// <summary>Azure Private Link's TLV: subtype 0x01, then the LinkID, 32 bits little-endian.</summary>
    public static byte[] AzureLinkId(uint linkId)
    {
        var value = new byte[5];
        value[0] = 0x01;
        BinaryPrimitives.WriteUInt32LittleEndian(value.AsSpan(1), linkId);
        return Tlv(TypeAzure, value);
    }

    /// <summary>Google Cloud Private Service Connect's TLV: the connection id, 64 bits big-endian.</summary>
    public static byte[] GcpPscConnectionId(ulong id)
    {
        var value = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(value, id);
        return Tlv(TypeGcp, value);
    }

    /// <summary>PP2_TYPE_SSL: the client bits, the verify result, then sub-TLVs.</summary>
    public static byte[] Ssl(byte client, uint verify, params byte[][] subTlvs)
    {
        var verifyBytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(verifyBytes, verify);
        return Tlv(TypeSsl, [client, .. verifyBytes, .. subTlvs.SelectMany(static tlv => tlv)]);
    }

    /// <summary>
    /// <paramref name="header"/> with a PP2_TYPE_CRC32C TLV appended (its length field grown to match) and filled in as
    /// a sender must: the CRC-32C of the whole header with the checksum's own bytes as zeros, plus <paramref name="error"/>
    /// to send a wrong one. Computed bit by bit here, apart from the service's.
    /// </summary>
    public static byte[] WithCrc32C(byte[] header, uint error = 0)
    {
        byte[] whole = [.. header, .. Tlv(TypeCrc32C, 4)];
        BinaryPrimitives.WriteUInt16BigEndian(whole.AsSpan(14), (ushort)(whole.Length - 16));
        BinaryPrimitives.WriteUInt32BigEndian(whole.AsSpan(whole.Length - 4), Crc32C(whole) + error);
        return whole;
    }

    /// <summary>CRC-32C, the reflected polynomial 0x82F63B78 one bit at a time (RFC 4960 appendix B).</summary>
    public static uint Crc32C(ReadOnlySpan<byte> bytes)
    {
        var crc = uint.MaxValue;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
            }
        }

        return ~crc;
    }

    private static byte[] BigEndian(ushort value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, value);
        return bytes;
    }
}
