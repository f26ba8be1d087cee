using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using KestrelEcho.Connections;
using KestrelEcho.Proxy;
using KestrelEcho.Testing;
using KestrelEcho.Tests.Infrastructure;

namespace KestrelEcho.Tests.Proxy;

/// <summary>
/// A v2 header's TLVs, through the parser alone: what each one kept here becomes, what is ignored, and what makes a
/// header invalid. How any valid header parses however it is split is ProxyHeaderParserTests'.
/// </summary>
public sealed class ProxyTlvTests
{
    private static readonly IPEndPoint s_client = IPEndPoint.Parse("203.0.113.7:40000");
    private static readonly IPEndPoint s_destination = IPEndPoint.Parse("192.0.2.1:9999");

    /// <summary>Each with what the header's <see cref="ProxyTlvs"/> must be, as the record prints itself (the type is internal).</summary>
    public static TheoryData<string, byte[][], string> KeptTlvs => new()
    {
        { "ALPN", [ProxyHeaders.Tlv(ProxyHeaders.TypeAlpn, "h2")], Only(alpn: "h2") },
        { "authority", [ProxyHeaders.Tlv(ProxyHeaders.TypeAuthority, "echo.example.com")], Only(authority: "echo.example.com") },
        { "authority of 255 bytes", [ProxyHeaders.Tlv(ProxyHeaders.TypeAuthority, new string('a', 255))], Only(authority: new string('a', 255)) },
        { "authority in UTF-8", [ProxyHeaders.Tlv(ProxyHeaders.TypeAuthority, "bücher.example")], Only(authority: "bücher.example") },
        { "the first authority of two", [ProxyHeaders.Tlv(ProxyHeaders.TypeAuthority, "one.example"), ProxyHeaders.Tlv(ProxyHeaders.TypeAuthority, "two.example")], Only(authority: "one.example") },
        { "unique id, as hex", [ProxyHeaders.Tlv(ProxyHeaders.TypeUniqueId, [0xDE, 0xAD, 0xBE, 0xEF])], Only(uniqueId: "deadbeef") },
        { "unique id of 128 bytes", [ProxyHeaders.Tlv(ProxyHeaders.TypeUniqueId, Enumerable.Repeat((byte)0xAB, 128).ToArray())], Only(uniqueId: string.Concat(Enumerable.Repeat("ab", 128))) },
        {
            "SSL with its version, client common name and cipher; other sub-TLVs ignored",
            [
                ProxyHeaders.Ssl(
                    0x07,
                    0,
                    ProxyHeaders.Tlv(ProxyHeaders.SubtypeSslVersion, "TLSv1.3"),
                    ProxyHeaders.Tlv(ProxyHeaders.SubtypeSslCommonName, "client.example"),
                    ProxyHeaders.Tlv(ProxyHeaders.SubtypeSslCipher, "TLS_AES_256_GCM_SHA384"),
                    ProxyHeaders.Tlv(ProxyHeaders.SubtypeSslSignatureAlgorithm, "RSA-SHA256")),
            ],
            Only(ssl: new ProxySslTlv(0x07, 0, "TLSv1.3", "TLS_AES_256_GCM_SHA384", "client.example"))
        },
        { "SSL without sub-TLVs", [ProxyHeaders.Ssl(0x00, 0xFFFFFFFF)], Only(ssl: new ProxySslTlv(0x00, 0xFFFFFFFF, null, null, null)) },
        { "network namespace", [ProxyHeaders.Tlv(ProxyHeaders.TypeNetworkNamespace, "blue")], Only(networkNamespace: "blue") },
        { "AWS VPC endpoint id", [ProxyHeaders.AwsVpceId("vpce-08d2bf15fac5001c9")], Only(awsVpcEndpointId: "vpce-08d2bf15fac5001c9") },
        { "Azure LinkID, little-endian", [ProxyHeaders.AzureLinkId(0x12345678)], Only(azureLinkId: 0x12345678) },
        { "GCP PSC connection id, big-endian", [ProxyHeaders.GcpPscConnectionId(0xFEDCBA9876543210)], Only(gcpPscConnectionId: 0xFEDCBA9876543210) },
        {
            "all at once, between ignored ones",
            [
                ProxyHeaders.Tlv(ProxyHeaders.TypeNoop, 5),
                ProxyHeaders.Tlv(ProxyHeaders.TypeAlpn, "h2"),
                ProxyHeaders.Tlv(ProxyHeaders.TypeAuthority, "echo.example.com"),
                ProxyHeaders.Tlv(0xF0, 10),
                ProxyHeaders.Tlv(ProxyHeaders.TypeUniqueId, [0x01]),
                ProxyHeaders.Ssl(0x01, 0, ProxyHeaders.Tlv(ProxyHeaders.SubtypeSslVersion, "TLSv1.2")),
                ProxyHeaders.Tlv(ProxyHeaders.TypeNetworkNamespace, "blue"),
                ProxyHeaders.AwsVpceId("vpce-1"),
                ProxyHeaders.AzureLinkId(1),
                ProxyHeaders.GcpPscConnectionId(1),
            ],
            new ProxyTlvs("h2", "echo.example.com", "01", new ProxySslTlv(0x01, 0, "TLSv1.2", null, null), "blue", "vpce-1", 1, 1).ToString()
        },
    };

    [Theory]
    [MemberData(nameof(KeptTlvs))]
    public void KeptTlv_IsOnTheHeader_WithOrWithoutACrc32C(string name, byte[][] tlvs, string expected)
    {
        Assert.Equal(expected, Parse(ProxyHeaders.V2(s_client, s_destination, tlvs)).Tlvs?.ToString());
        Assert.Equal(expected, Parse(ProxyHeaders.WithCrc32C(ProxyHeaders.V2(s_client, s_destination, tlvs))).Tlvs?.ToString());
        _ = name;
    }

    public static TheoryData<string, byte[]> IgnoredTlvs => new()
    {
        { "NOOP", ProxyHeaders.Tlv(ProxyHeaders.TypeNoop, 7) },
        { "an unregistered type", ProxyHeaders.Tlv(0x06, "whatever") },
        { "an experimental type", ProxyHeaders.Tlv(0xF0, [0xFF, 0xFE]) },
        { "an empty authority", ProxyHeaders.Tlv(ProxyHeaders.TypeAuthority, "") },
        { "an empty unique id", ProxyHeaders.Tlv(ProxyHeaders.TypeUniqueId, 0) },
        { "0xEA, empty", ProxyHeaders.Tlv(ProxyHeaders.TypeAws, 0) },
        { "0xEA with another subtype", ProxyHeaders.Tlv(ProxyHeaders.TypeAws, [0x02, (byte)'x']) },
        { "0xEA with a VPC endpoint id that is not one", ProxyHeaders.Tlv(ProxyHeaders.TypeAws, [0x01, .. "vpce_1 "u8]) },
        { "0xEA with a VPC endpoint id that is not ASCII", ProxyHeaders.Tlv(ProxyHeaders.TypeAws, [0x01, 0xC3, 0xA9]) },
        { "0xEE of the wrong length", ProxyHeaders.Tlv(ProxyHeaders.TypeAzure, [0x01, 1, 2, 3]) },
        { "0xEE with another subtype", ProxyHeaders.Tlv(ProxyHeaders.TypeAzure, [0x02, 1, 2, 3, 4]) },
        { "0xE0 of the wrong length", ProxyHeaders.Tlv(ProxyHeaders.TypeGcp, 7) },
    };

    [Theory]
    [MemberData(nameof(IgnoredTlvs))]
    public void IgnoredTlv_LeavesNoTlvs_AndTheHeaderValid(string name, byte[] tlv)
    {
        var header = Parse(ProxyHeaders.V2(s_client, s_destination, tlv));

        Assert.True(header.Tlvs is null, $"{name}: {header.Tlvs}");
        Assert.Equal(s_client, header.Source);
    }

    public static TheoryData<string, byte[]> InvalidHeaders => new()
    {
        { "authority of 256 bytes", ProxyHeaders.V2(s_client, s_destination, ProxyHeaders.Tlv(ProxyHeaders.TypeAuthority, new string('a', 256))) },
        { "authority not UTF-8", ProxyHeaders.V2(s_client, s_destination, ProxyHeaders.Tlv(ProxyHeaders.TypeAuthority, [(byte)'a', 0xC3, 0x28])) },
        { "ALPN of 256 bytes", ProxyHeaders.V2(s_client, s_destination, ProxyHeaders.Tlv(ProxyHeaders.TypeAlpn, new string('h', 256))) },
        { "ALPN not UTF-8", ProxyHeaders.V2(s_client, s_destination, ProxyHeaders.Tlv(ProxyHeaders.TypeAlpn, [0xFF])) },
        { "unique id of 129 bytes", ProxyHeaders.V2(s_client, s_destination, ProxyHeaders.Tlv(ProxyHeaders.TypeUniqueId, 129)) },
        { "network namespace not UTF-8", ProxyHeaders.V2(s_client, s_destination, ProxyHeaders.Tlv(ProxyHeaders.TypeNetworkNamespace, [0x80])) },
        { "SSL shorter than client and verify", ProxyHeaders.V2(s_client, s_destination, ProxyHeaders.Tlv(ProxyHeaders.TypeSsl, 4)) },
        { "SSL sub-TLV cut short", ProxyHeaders.V2(s_client, s_destination, ProxyHeaders.Tlv(ProxyHeaders.TypeSsl, [0x01, 0, 0, 0, 0, ProxyHeaders.SubtypeSslVersion, 0x00, 0x07, (byte)'T'])) },
        { "SSL sub-TLV cut in its length", ProxyHeaders.V2(s_client, s_destination, ProxyHeaders.Tlv(ProxyHeaders.TypeSsl, [0x01, 0, 0, 0, 0, ProxyHeaders.SubtypeSslVersion, 0x00])) },
        { "SSL version not UTF-8", ProxyHeaders.V2(s_client, s_destination, ProxyHeaders.Ssl(0x01, 0, ProxyHeaders.Tlv(ProxyHeaders.SubtypeSslVersion, [0xFE]))) },
        { "SSL common name of 256 bytes", ProxyHeaders.V2(s_client, s_destination, ProxyHeaders.Ssl(0x01, 0, ProxyHeaders.Tlv(ProxyHeaders.SubtypeSslCommonName, new string('c', 256)))) },
        { "authority TLV cut short", ProxyHeaders.V2(s_client, s_destination, [ProxyHeaders.TypeAuthority, 0x00, 0x05, (byte)'a', (byte)'b']) },
        { "CRC-32C off by one", ProxyHeaders.WithCrc32C(ProxyHeaders.V2(s_client, s_destination, ProxyHeaders.Tlv(ProxyHeaders.TypeAuthority, "echo.example.com")), error: 1) },
        { "CRC-32C of the header without its TLVs", CrcOfTheAddressesOnly() },
        { "CRC-32C TLV of 3 bytes", ProxyHeaders.V2(s_client, s_destination, ProxyHeaders.Tlv(ProxyHeaders.TypeCrc32C, 3)) },
        { "CRC-32C TLV of 5 bytes", ProxyHeaders.V2(s_client, s_destination, ProxyHeaders.Tlv(ProxyHeaders.TypeCrc32C, 5)) },
        { "CRC-32C on UNSPEC, wrong", ProxyHeaders.V2Raw(ProxyHeaders.Proxy, ProxyHeaders.Unspecified, ProxyHeaders.Tlv(ProxyHeaders.TypeCrc32C, 4)) },
    };

    [Theory]
    [MemberData(nameof(InvalidHeaders))]
    public void InvalidTlv_MakesTheHeaderInvalid_WithAReason_HoweverItIsSplit(string name, byte[] header)
    {
        ReadOnlySequence<byte>[] shapes = [new(header), Segments.OneBytePerSegment(header), Segments.SplitAt(header, header.Length / 2)];
        foreach (var shape in shapes)
        {
            var status = ProxyHeaderParser.Parse(shape, out _, out var parsed, out var error);

            Assert.True(status == ProxyHeaderStatus.Invalid, $"{name}: {status}");
            Assert.False(string.IsNullOrEmpty(error), name);
            Assert.Equal(default, parsed);
        }
    }

    [Fact]
    public void Crc32C_OnAHeaderWithoutAddresses_IsCheckedToo()
    {
        var header = ProxyHeaders.WithCrc32C(ProxyHeaders.V2Raw(ProxyHeaders.Proxy, ProxyHeaders.Unspecified, []));

        Assert.Equal(ProxyHeaderStatus.Parsed, ProxyHeaderParser.Parse(new ReadOnlySequence<byte>(header), out _, out _, out _));
    }

    [Fact]
    public void LocalHeader_KeepsNoTlvs_AndChecksNone()
    {
        byte[] block = [.. new byte[12], .. ProxyHeaders.Tlv(ProxyHeaders.TypeAuthority, [0xFF]), .. ProxyHeaders.Tlv(ProxyHeaders.TypeCrc32C, 4)];

        var status = ProxyHeaderParser.Parse(new ReadOnlySequence<byte>(ProxyHeaders.V2Raw(ProxyHeaders.Local, ProxyHeaders.TcpOverIPv4, block)), out _, out var header, out var error);

        Assert.True(status == ProxyHeaderStatus.Parsed, error);
        Assert.Null(header.Tlvs);
    }

    /// <summary>
    /// A header as HAProxy 2.6.12 sent it to this service (captured on loopback), its TLS frontend having taken a
    /// connection for SNI echo.test: <c>send-proxy-v2 proxy-v2-options ssl,cert-cn,ssl-cipher,authority,crc32c,unique-id</c>.
    /// Its CRC-32C comes first, computed by HAProxy's code, not ours.
    /// </summary>
    [Fact]
    public void HaproxysHeader_WithItsCrc32C_IsParsed()
    {
        var header = Convert.FromHexString(
            "0d0a0d0a000d0a515549540a211100767f0000017f000001e48a6b350300047e5c33670200096563686f2e74657374050029374630303030"
            + "30313a453438415f37463030303030313a364233355f36423046334446395f303030302000280100000000210007544c5376312e33230016"
            + "544c535f4145535f3235365f47434d5f534841333834");

        var parsed = Parse(header);

        Assert.Equal(IPEndPoint.Parse("127.0.0.1:58506"), parsed.Source);
        Assert.Equal("echo.test", parsed.Tlvs?.Authority);
        Assert.Equal(Convert.ToHexStringLower("7F000001:E48A_7F000001:6B35_6B0F3DF9_0000"u8), parsed.Tlvs?.UniqueId);
        Assert.Equal(new ProxySslTlv(0x01, 0, "TLSv1.3", "TLS_AES_256_GCM_SHA384", null), parsed.Tlvs?.Ssl);
        header[^1] ^= 1;
        Assert.Equal(ProxyHeaderStatus.Invalid, ProxyHeaderParser.Parse(new ReadOnlySequence<byte>(header), out _, out _, out _));
    }

    [Fact]
    public void V1Header_HasNoTlvs() =>
        Assert.Null(Parse(ProxyHeaders.V1("PROXY TCP4 203.0.113.7 192.0.2.1 40000 9999\r\n")).Tlvs);

    /// <summary>A checksum a sender that forgot its TLVs would send: over the 28 bytes of signature and addresses only.</summary>
    private static byte[] CrcOfTheAddressesOnly()
    {
        var header = ProxyHeaders.WithCrc32C(ProxyHeaders.V2(s_client, s_destination, ProxyHeaders.Tlv(ProxyHeaders.TypeAuthority, "a")));
        var crc = ProxyHeaders.Crc32C(header.AsSpan(0, 28));
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(header.Length - 4), crc);
        return header;
    }

    private static ProxyHeader Parse(byte[] bytes)
    {
        var status = ProxyHeaderParser.Parse(new ReadOnlySequence<byte>(bytes), out _, out var header, out var error);
        Assert.True(status == ProxyHeaderStatus.Parsed, $"{status} ({error})");
        return header;
    }

    private static string Only(
        string? alpn = null,
        string? authority = null,
        string? uniqueId = null,
        ProxySslTlv? ssl = null,
        string? networkNamespace = null,
        string? awsVpcEndpointId = null,
        uint? azureLinkId = null,
        ulong? gcpPscConnectionId = null) =>
        new ProxyTlvs(alpn, authority, uniqueId, ssl, networkNamespace, awsVpcEndpointId, azureLinkId, gcpPscConnectionId).ToString();
}
