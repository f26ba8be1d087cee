using System.Buffers;
using System.Net;
using System.Text;
using KestrelEcho.Proxy;
using KestrelEcho.Testing;
using KestrelEcho.Tests.Infrastructure;

namespace KestrelEcho.Tests.Proxy;

/// <summary>
/// The parser alone, without sockets: every valid header however it is split into reads, and every way a
/// header can be wrong.
/// </summary>
public sealed class ProxyHeaderParserTests
{
    private static readonly byte[] s_payload = "Hola mundo\n"u8.ToArray();

    /// <summary>Valid headers, each with the client and destination it names ("" when it names none).</summary>
    public static TheoryData<string, byte[], string, string> ValidHeaders => new()
    {
        { "v1 TCP4", ProxyHeaders.V1("PROXY TCP4 203.0.113.7 192.0.2.1 40000 9999\r\n"), "203.0.113.7:40000", "192.0.2.1:9999" },
        { "v1 TCP4 extremes", ProxyHeaders.V1("PROXY TCP4 0.0.0.0 255.255.255.255 0 65535\r\n"), "0.0.0.0:0", "255.255.255.255:65535" },
        { "v1 TCP6", ProxyHeaders.V1("PROXY TCP6 2001:db8::7 2001:db8::1 40000 9999\r\n"), "[2001:db8::7]:40000", "[2001:db8::1]:9999" },
        { "v1 TCP6 IPv4-mapped", ProxyHeaders.V1("PROXY TCP6 ::ffff:203.0.113.7 ::1 1 2\r\n"), "[::ffff:203.0.113.7]:1", "[::1]:2" },
        {
            "v1 longest TCP6",
            ProxyHeaders.V1("PROXY TCP6 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n"),
            "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535",
            "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535"
        },
        { "v1 UNKNOWN", ProxyHeaders.V1("PROXY UNKNOWN\r\n"), "", "" },
        { "v1 UNKNOWN of the longest, 107 bytes", ProxyHeaders.V1("PROXY UNKNOWN ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n"), "", "" },
        { "v1 UNKNOWN with ignored rest", ProxyHeaders.V1("PROXY UNKNOWN ffff:: whatever 1 x\r\n"), "", "" },
        { "v2 TCP4", ProxyHeaders.V2(IPEndPoint.Parse("203.0.113.7:40000"), IPEndPoint.Parse("192.0.2.1:9999")), "203.0.113.7:40000", "192.0.2.1:9999" },
        { "v2 TCP6", ProxyHeaders.V2(IPEndPoint.Parse("[2001:db8::7]:65535"), IPEndPoint.Parse("[2001:db8::1]:1")), "[2001:db8::7]:65535", "[2001:db8::1]:1" },
        {
            "v2 TCP4 with TLVs",
            ProxyHeaders.V2(IPEndPoint.Parse("203.0.113.7:40000"), IPEndPoint.Parse("192.0.2.1:9999"), ProxyHeaders.Tlv(0x04, 3), ProxyHeaders.Tlv(0xEA, 0), ProxyHeaders.Tlv(0xF0, 300)),
            "203.0.113.7:40000",
            "192.0.2.1:9999"
        },
        {
            "v2 TCP4 with every TLV kept and a CRC-32C",
            ProxyHeaders.WithCrc32C(ProxyHeaders.V2(
                IPEndPoint.Parse("203.0.113.7:40000"),
                IPEndPoint.Parse("192.0.2.1:9999"),
                ProxyHeaders.Tlv(ProxyHeaders.TypeAlpn, "h2"),
                ProxyHeaders.Tlv(ProxyHeaders.TypeAuthority, "echo.example.com"),
                ProxyHeaders.Tlv(ProxyHeaders.TypeUniqueId, [0xDE, 0xAD]),
                ProxyHeaders.Ssl(0x01, 0, ProxyHeaders.Tlv(ProxyHeaders.SubtypeSslVersion, "TLSv1.3")),
                ProxyHeaders.Tlv(ProxyHeaders.TypeNetworkNamespace, "blue"),
                ProxyHeaders.AwsVpceId("vpce-08d2bf15fac5001c9"),
                ProxyHeaders.AzureLinkId(7),
                ProxyHeaders.GcpPscConnectionId(7))),
            "203.0.113.7:40000",
            "192.0.2.1:9999"
        },
        { "v2 LOCAL", ProxyHeaders.V2Raw(ProxyHeaders.Local, ProxyHeaders.Unspecified, []), "", "" },
        { "v2 LOCAL with a block to discard", ProxyHeaders.V2Raw(ProxyHeaders.Local, ProxyHeaders.TcpOverIPv4, new byte[12]), "", "" },
        { "v2 PROXY UNSPEC", ProxyHeaders.V2Raw(ProxyHeaders.Proxy, ProxyHeaders.Unspecified, []), "", "" },
        { "v2 PROXY UDP", ProxyHeaders.V2Raw(ProxyHeaders.Proxy, ProxyHeaders.UdpOverIPv4, new byte[12]), "", "" },
        { "v2 PROXY unix", ProxyHeaders.V2Raw(ProxyHeaders.Proxy, ProxyHeaders.UnixStream, new byte[216]), "", "" },
    };

    [Theory]
    [MemberData(nameof(ValidHeaders))]
    public void ValidHeader_SplitAtEveryOffset_ParsesTheSame_AndLeavesThePayload(string name, byte[] header, string source, string destination)
    {
        byte[] bytes = [.. header, .. s_payload];
        for (var offset = 0; offset <= bytes.Length; offset++)
        {
            AssertParsed(Segments.SplitAt(bytes, offset), source, destination, $"{name}, split at {offset}");
        }
    }

    [Theory]
    [MemberData(nameof(ValidHeaders))]
    public void ValidHeader_OneBytePerSegment_ParsesTheSame_AndLeavesThePayload(string name, byte[] header, string source, string destination) =>
        AssertParsed(Segments.OneBytePerSegment([.. header, .. s_payload]), source, destination, name);

    [Theory]
    [MemberData(nameof(ValidHeaders))]
    public void EveryPrefixOfAValidHeader_AsksForMore(string name, byte[] header, string source, string destination)
    {
        _ = (source, destination);
        for (var length = 0; length < header.Length; length++)
        {
            var status = ProxyHeaderParser.Parse(Segments.OneBytePerSegment(header[..length]), out var consumed, out _, out var error);

            Assert.True(
                status is ProxyHeaderStatus.IncompleteSignature or ProxyHeaderStatus.IncompleteHeader,
                $"{name}: the first {length} bytes gave {status} ({error})");
            Assert.Equal(0, consumed.GetInteger());
        }
    }

    [Theory]
    [InlineData("", nameof(ProxyHeaderStatus.IncompleteSignature))]
    [InlineData("P", nameof(ProxyHeaderStatus.IncompleteSignature))]
    [InlineData("PROXY", nameof(ProxyHeaderStatus.IncompleteSignature))]
    [InlineData("PROXY ", nameof(ProxyHeaderStatus.IncompleteHeader))]
    [InlineData("\r\n\r\n\0\r\nQUI", nameof(ProxyHeaderStatus.IncompleteSignature))]
    [InlineData("\r\n\r\n\0\r\nQUIT\n", nameof(ProxyHeaderStatus.IncompleteHeader))]
    [InlineData("Hola mundo", nameof(ProxyHeaderStatus.NoSignature))]
    [InlineData("PROXYZ", nameof(ProxyHeaderStatus.NoSignature))]
    [InlineData("proxy TCP4 1.2.3.4 5.6.7.8 1 2\r\n", nameof(ProxyHeaderStatus.NoSignature))]
    [InlineData("GET / HTTP/1.1\r\n", nameof(ProxyHeaderStatus.NoSignature))]
    [InlineData("\u0016\u0003\u0001\u0002\u0000", nameof(ProxyHeaderStatus.NoSignature))]
    [InlineData("\r\n\r\nX", nameof(ProxyHeaderStatus.NoSignature))]
    public void Start_IsTold_AsASignatureItsStartOrNeither(string start, string expected)
    {
        var status = ProxyHeaderParser.Parse(new ReadOnlySequence<byte>(Encoding.Latin1.GetBytes(start)), out var consumed, out _, out _);

        Assert.Equal(expected, status.ToString());
        Assert.Equal(0, consumed.GetInteger());
    }

    public static TheoryData<string, byte[]> InvalidHeaders => new()
    {
        { "v1 LF without CR", ProxyHeaders.V1("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n") },
        { "v1 CR without LF", ProxyHeaders.V1("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\rX") },
        { "v1 no CRLF within 107 bytes", ProxyHeaders.V1("PROXY UNKNOWN " + new string('x', 93) + "\r\n") },
        { "v1 CR as the 107th byte", ProxyHeaders.V1("PROXY UNKNOWN " + new string('x', 92) + "\r\n") },
        { "v1 no CRLF at all", ProxyHeaders.V1("PROXY " + new string('9', 200)) },
        { "v1 unknown protocol", ProxyHeaders.V1("PROXY TCP5 1.2.3.4 5.6.7.8 1 2\r\n") },
        { "v1 lower-case protocol", ProxyHeaders.V1("PROXY tcp4 1.2.3.4 5.6.7.8 1 2\r\n") },
        { "v1 UNKNOWN run into the next word", ProxyHeaders.V1("PROXY UNKNOWNX\r\n") },
        { "v1 empty", ProxyHeaders.V1("PROXY \r\n") },
        { "v1 missing port", ProxyHeaders.V1("PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n") },
        { "v1 extra field", ProxyHeaders.V1("PROXY TCP4 1.2.3.4 5.6.7.8 1 2 3\r\n") },
        { "v1 two spaces", ProxyHeaders.V1("PROXY TCP4  1.2.3.4 5.6.7.8 1 2\r\n") },
        { "v1 trailing space", ProxyHeaders.V1("PROXY TCP4 1.2.3.4 5.6.7.8 1 2 \r\n") },
        { "v1 tab", ProxyHeaders.V1("PROXY TCP4 1.2.3.4\t5.6.7.8 1 2\r\n") },
        { "v1 octet over 255", ProxyHeaders.V1("PROXY TCP4 256.2.3.4 5.6.7.8 1 2\r\n") },
        { "v1 leading zero", ProxyHeaders.V1("PROXY TCP4 01.2.3.4 5.6.7.8 1 2\r\n") },
        { "v1 three octets", ProxyHeaders.V1("PROXY TCP4 1.2.3 5.6.7.8 1 2\r\n") },
        { "v1 five octets", ProxyHeaders.V1("PROXY TCP4 1.2.3.4.5 5.6.7.8 1 2\r\n") },
        { "v1 empty octet", ProxyHeaders.V1("PROXY TCP4 1..3.4 5.6.7.8 1 2\r\n") },
        { "v1 hex IPv4", ProxyHeaders.V1("PROXY TCP4 0x7f.0.0.1 5.6.7.8 1 2\r\n") },
        { "v1 IPv6 in TCP4", ProxyHeaders.V1("PROXY TCP4 ::1 5.6.7.8 1 2\r\n") },
        { "v1 IPv4 in TCP6", ProxyHeaders.V1("PROXY TCP6 1.2.3.4 ::1 1 2\r\n") },
        { "v1 IPv6 with scope", ProxyHeaders.V1("PROXY TCP6 fe80::1%eth0 ::1 1 2\r\n") },
        { "v1 bracketed IPv6", ProxyHeaders.V1("PROXY TCP6 [::1] ::1 1 2\r\n") },
        { "v1 IPv6 too many groups", ProxyHeaders.V1("PROXY TCP6 1:2:3:4:5:6:7:8:9 ::1 1 2\r\n") },
        { "v1 port 65536", ProxyHeaders.V1("PROXY TCP4 1.2.3.4 5.6.7.8 65536 2\r\n") },
        { "v1 port 6 digits", ProxyHeaders.V1("PROXY TCP4 1.2.3.4 5.6.7.8 1 000001\r\n") },
        { "v1 negative port", ProxyHeaders.V1("PROXY TCP4 1.2.3.4 5.6.7.8 -1 2\r\n") },
        { "v1 port with letters", ProxyHeaders.V1("PROXY TCP4 1.2.3.4 5.6.7.8 1a 2\r\n") },
        { "v1 NUL in the line", ProxyHeaders.V1("PROXY TCP4 1.2.3.4\u00005.6.7.8 1 2\r\n") },
        { "v2 version 1", ProxyHeaders.V2Raw(0x11, ProxyHeaders.TcpOverIPv4, new byte[12]) },
        { "v2 version 3", ProxyHeaders.V2Raw(0x31, ProxyHeaders.TcpOverIPv4, new byte[12]) },
        { "v2 command 2", ProxyHeaders.V2Raw(0x22, ProxyHeaders.TcpOverIPv4, new byte[12]) },
        { "v2 family 4", ProxyHeaders.V2Raw(ProxyHeaders.Proxy, 0x41, new byte[12]) },
        { "v2 transport 3", ProxyHeaders.V2Raw(ProxyHeaders.Proxy, 0x13, new byte[12]) },
        { "v2 IPv4 block too short", ProxyHeaders.V2Raw(ProxyHeaders.Proxy, ProxyHeaders.TcpOverIPv4, new byte[11]) },
        { "v2 IPv6 block too short", ProxyHeaders.V2Raw(ProxyHeaders.Proxy, ProxyHeaders.TcpOverIPv6, new byte[12]) },
        { "v2 unix block too short", ProxyHeaders.V2Raw(ProxyHeaders.Proxy, ProxyHeaders.UnixStream, new byte[36]) },
        { "v2 TLV past the end", ProxyHeaders.V2Raw(ProxyHeaders.Proxy, ProxyHeaders.TcpOverIPv4, [.. new byte[12], 0x04, 0x00, 0x05, 1, 2, 3]) },
        { "v2 TLV cut in its length", ProxyHeaders.V2Raw(ProxyHeaders.Proxy, ProxyHeaders.TcpOverIPv4, [.. new byte[12], 0x04, 0x00]) },
        { "v2 longer than the cap", ProxyHeaders.V2Raw(ProxyHeaders.Proxy, ProxyHeaders.TcpOverIPv4, [], declaredLength: ProxyHeaderParser.MaxV2Length - 15) },
        { "v2 longest length field", ProxyHeaders.V2Raw(ProxyHeaders.Proxy, ProxyHeaders.TcpOverIPv4, [], declaredLength: ushort.MaxValue) },
    };

    [Theory]
    [MemberData(nameof(InvalidHeaders))]
    public void InvalidHeader_IsInvalid_WithAReason_HoweverItIsSplit(string name, byte[] header)
    {
        byte[] bytes = [.. header, .. s_payload];
        ReadOnlySequence<byte>[] shapes = [new(bytes), Segments.OneBytePerSegment(bytes), Segments.SplitAt(bytes, bytes.Length / 2)];
        foreach (var shape in shapes)
        {
            var status = ProxyHeaderParser.Parse(shape, out _, out var parsed, out var error);

            Assert.True(status == ProxyHeaderStatus.Invalid, $"{name}: {status}");
            Assert.False(string.IsNullOrEmpty(error), name);
            Assert.Equal(default, parsed);
        }
    }

    [Fact]
    public void V2Header_AtTheCap_IsAccepted()
    {
        var header = ProxyHeaders.V2(IPEndPoint.Parse("203.0.113.7:1"), IPEndPoint.Parse("192.0.2.1:2"), ProxyHeaders.Tlv(ProxyHeaders.TypeNoop, ProxyHeaderParser.MaxV2Length - 16 - 12 - 3));

        Assert.Equal(ProxyHeaderParser.MaxV2Length, header.Length);
        AssertParsed(new ReadOnlySequence<byte>([.. header, .. s_payload]), "203.0.113.7:1", "192.0.2.1:2", "at the cap");
    }

    [Fact]
    public void V2Header_TruncatedAfterItsLength_AsksForMore_UntilItIsWhole()
    {
        var header = ProxyHeaders.V2(IPEndPoint.Parse("[2001:db8::7]:1"), IPEndPoint.Parse("[2001:db8::1]:2"));

        Assert.Equal(ProxyHeaderStatus.IncompleteHeader, ProxyHeaderParser.Parse(new ReadOnlySequence<byte>(header[..^1]), out _, out _, out _));
        Assert.Equal(ProxyHeaderStatus.Parsed, ProxyHeaderParser.Parse(new ReadOnlySequence<byte>(header), out _, out _, out _));
    }

    private static void AssertParsed(ReadOnlySequence<byte> buffer, string source, string destination, string because)
    {
        var status = ProxyHeaderParser.Parse(buffer, out var consumed, out var header, out var error);

        Assert.True(status == ProxyHeaderStatus.Parsed, $"{because}: {status} ({error})");
        Assert.Equal(source, header.Source?.ToString() ?? "");
        Assert.Equal(destination, header.Destination?.ToString() ?? "");
        Assert.Equal(s_payload, buffer.Slice(consumed).ToArray());
    }
}
