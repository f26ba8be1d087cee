using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;
using KestrelEcho.Connections;

namespace KestrelEcho.Proxy;

/// <summary>
/// Reads the TLVs after a v2 header's addresses (haproxy's proxy-protocol.txt, section 2.2). The registered types are
/// checked as HAProxy checks them, and a header that breaks a rule is invalid: a TLV that runs past the header, text
/// that is not UTF-8 or longer than its limit, a CRC-32C that does not match the header. The cloud balancers' types
/// sit in the range the specification leaves to applications (0xE0 to 0xEF), which other proxies may use for
/// something else: a value there is taken only when it has the cloud's shape, and ignored otherwise, as are types
/// not known here.
/// </summary>
internal static class ProxyTlvParser
{
    /// <summary>HAProxy's limit for the authority (a host name), also applied to every other text TLV.</summary>
    public const int MaxTextLength = 255;

    /// <summary>The specification's limit for PP2_TYPE_UNIQUE_ID.</summary>
    public const int MaxUniqueIdLength = 128;

    private const byte TypeAlpn = 0x01;
    private const byte TypeAuthority = 0x02;
    private const byte TypeCrc32C = 0x03;
    private const byte TypeUniqueId = 0x05;
    private const byte TypeSsl = 0x20;
    private const byte SubtypeSslVersion = 0x21;
    private const byte SubtypeSslCommonName = 0x22;
    private const byte SubtypeSslCipher = 0x23;
    private const byte TypeNetworkNamespace = 0x30;
    private const byte TypeGcp = 0xE0;
    private const byte TypeAws = 0xEA;
    private const byte SubtypeAwsVpcEndpointId = 0x01;
    private const byte TypeAzure = 0xEE;
    private const byte SubtypeAzureLinkId = 0x01;
    private const int TlvHeaderLength = 3;
    private const int SslFixedLength = 5;

    private static readonly SearchValues<byte> s_vpcEndpointIdCharacters =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-"u8);

    /// <summary>
    /// Parses the TLVs of <paramref name="header"/>, a whole v2 header, from <paramref name="offset"/> (the end of its
    /// addresses) to its end. <paramref name="tlvs"/> is null when there are none that matter here.
    /// </summary>
    public static bool TryParse(in ReadOnlySequence<byte> header, int offset, out ProxyTlvs? tlvs, out string? error)
    {
        tlvs = null;
        error = null;
        if (header.Length == offset)
        {
            return true;
        }

        // At most ProxyHeaderParser.MaxV2Length bytes: on the stack, one span however the header arrived, and a copy in
        // which the CRC-32C field can be zeroed to check it.
        Span<byte> bytes = stackalloc byte[(int)header.Length];
        header.CopyTo(bytes);

        string? alpn = null, authority = null, uniqueId = null, networkNamespace = null, awsVpcEndpointId = null;
        uint? azureLinkId = null;
        ulong? gcpPscConnectionId = null;
        ProxySslTlv? ssl = null;
        var position = offset;
        while (position < bytes.Length)
        {
            if (!TryReadTlv(bytes, ref position, out var type, out var valueStart, out var valueLength))
            {
                return Fail("v2 header whose TLVs do not add up to its length", out error);
            }

            var value = bytes.Slice(valueStart, valueLength);
            var ok = type switch
            {
                TypeAlpn => TryReadText(value, "ALPN", ref alpn, out error),
                TypeAuthority => TryReadText(value, "authority", ref authority, out error),
                TypeCrc32C => TryCheckCrc32C(bytes, valueStart, valueLength, out error),
                TypeUniqueId => TryReadUniqueId(value, ref uniqueId, out error),
                TypeSsl => TryReadSsl(value, ref ssl, out error),
                TypeNetworkNamespace => TryReadText(value, "network namespace", ref networkNamespace, out error),
                TypeAws => ReadAws(value, ref awsVpcEndpointId),
                TypeAzure => ReadAzure(value, ref azureLinkId),
                TypeGcp => ReadGcp(value, ref gcpPscConnectionId),
                _ => true,
            };
            if (!ok)
            {
                return false;
            }
        }

        if (alpn is not null || authority is not null || uniqueId is not null || ssl is not null || networkNamespace is not null
            || awsVpcEndpointId is not null || azureLinkId is not null || gcpPscConnectionId is not null)
        {
            tlvs = new ProxyTlvs(alpn, authority, uniqueId, ssl, networkNamespace, awsVpcEndpointId, azureLinkId, gcpPscConnectionId);
        }

        return true;
    }

    private static bool TryReadTlv(ReadOnlySpan<byte> bytes, ref int position, out byte type, out int valueStart, out int valueLength)
    {
        type = 0;
        valueStart = position + TlvHeaderLength;
        valueLength = 0;
        if (bytes.Length - position < TlvHeaderLength)
        {
            return false;
        }

        type = bytes[position];
        valueLength = BinaryPrimitives.ReadUInt16BigEndian(bytes[(position + 1)..]);
        if (bytes.Length - valueStart < valueLength)
        {
            return false;
        }

        position = valueStart + valueLength;
        return true;
    }

    /// <summary>The first of a type wins, as HAProxy's sample fetches take the first; an empty value is no value.</summary>
    private static bool TryReadText(ReadOnlySpan<byte> value, string name, ref string? text, out string? error)
    {
        error = null;
        if (value.Length > MaxTextLength)
        {
            return Fail($"v2 header whose {name} TLV is longer than {MaxTextLength} bytes", out error);
        }

        if (!Utf8.IsValid(value))
        {
            return Fail($"v2 header whose {name} TLV is not UTF-8", out error);
        }

        if (!value.IsEmpty)
        {
            text ??= Encoding.UTF8.GetString(value);
        }

        return true;
    }

    /// <summary>The specification's rule: the CRC-32C of the whole header, with the checksum's own four bytes as zeros.</summary>
    private static bool TryCheckCrc32C(Span<byte> header, int valueStart, int valueLength, out string? error)
    {
        error = null;
        if (valueLength != sizeof(uint))
        {
            return Fail("v2 header whose CRC-32C TLV is not 4 bytes long", out error);
        }

        var field = header.Slice(valueStart, sizeof(uint));
        var sent = BinaryPrimitives.ReadUInt32BigEndian(field);
        field.Clear();
        var computed = Crc32C.Compute(header);
        BinaryPrimitives.WriteUInt32BigEndian(field, sent);
        return computed == sent || Fail("v2 header whose CRC-32C does not match its bytes", out error);
    }

    private static bool TryReadUniqueId(ReadOnlySpan<byte> value, ref string? uniqueId, out string? error)
    {
        error = null;
        if (value.Length > MaxUniqueIdLength)
        {
            return Fail($"v2 header whose unique id TLV is longer than {MaxUniqueIdLength} bytes", out error);
        }

        if (!value.IsEmpty)
        {
            uniqueId ??= Convert.ToHexStringLower(value);
        }

        return true;
    }

    /// <summary>A client byte, a 32-bit verify result, then sub-TLVs that must fill the rest exactly.</summary>
    private static bool TryReadSsl(ReadOnlySpan<byte> value, ref ProxySslTlv? ssl, out string? error)
    {
        error = null;
        if (value.Length < SslFixedLength)
        {
            return Fail("v2 header whose SSL TLV is shorter than its client and verify fields", out error);
        }

        string? version = null, commonName = null, cipher = null;
        var position = SslFixedLength;
        while (position < value.Length)
        {
            if (!TryReadTlv(value, ref position, out var type, out var subStart, out var subLength))
            {
                return Fail("v2 header whose SSL TLV's sub-TLVs do not add up to its length", out error);
            }

            var sub = value.Slice(subStart, subLength);
            var ok = type switch
            {
                SubtypeSslVersion => TryReadText(sub, "SSL version", ref version, out error),
                SubtypeSslCommonName => TryReadText(sub, "SSL client common name", ref commonName, out error),
                SubtypeSslCipher => TryReadText(sub, "SSL cipher", ref cipher, out error),
                _ => true,
            };
            if (!ok)
            {
                return false;
            }
        }

        ssl ??= new ProxySslTlv(value[0], BinaryPrimitives.ReadUInt32BigEndian(value[1..]), version, cipher, commonName);
        return true;
    }

    /// <summary>AWS: a subtype byte, then for 0x01 the VPC endpoint id in ASCII (<c>vpce-0123456789abcdef0</c>).</summary>
    private static bool ReadAws(ReadOnlySpan<byte> value, ref string? vpcEndpointId)
    {
        if (value.Length is > 1 and <= MaxTextLength + 1
            && value[0] == SubtypeAwsVpcEndpointId
            && !value[1..].ContainsAnyExcept(s_vpcEndpointIdCharacters))
        {
            vpcEndpointId ??= Encoding.ASCII.GetString(value[1..]);
        }

        return true;
    }

    /// <summary>Azure: a subtype byte, then for 0x01 the private endpoint's LinkID, 32 bits little-endian.</summary>
    private static bool ReadAzure(ReadOnlySpan<byte> value, ref uint? linkId)
    {
        if (value.Length == 1 + sizeof(uint) && value[0] == SubtypeAzureLinkId)
        {
            linkId ??= BinaryPrimitives.ReadUInt32LittleEndian(value[1..]);
        }

        return true;
    }

    /// <summary>Google Cloud: the Private Service Connect connection id, 64 bits big-endian.</summary>
    private static bool ReadGcp(ReadOnlySpan<byte> value, ref ulong? connectionId)
    {
        if (value.Length == sizeof(ulong))
        {
            connectionId ??= BinaryPrimitives.ReadUInt64BigEndian(value);
        }

        return true;
    }

    private static bool Fail(string reason, out string? error)
    {
        error = reason;
        return false;
    }
}
