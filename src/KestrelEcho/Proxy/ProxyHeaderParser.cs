using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace KestrelEcho.Proxy;

/// <summary>
/// Reads a PROXY protocol header (haproxy's proxy-protocol.txt, versions 1 and 2) from the start of a
/// connection's input, however it was split into reads: after an <c>Incomplete…</c> status, call again once
/// more bytes have arrived. Nothing is allocated but the addresses of a parsed header and the TLV values it keeps
/// (<see cref="ProxyTlvParser"/>).
/// </summary>
internal static class ProxyHeaderParser
{
    /// <summary>The longest v1 header, CRLF included: the specification's limit.</summary>
    public const int MaxV1Length = 107;

    /// <summary>
    /// The longest v2 header accepted: 16 fixed bytes, the addresses and the TLVs. The format allows 64 KiB;
    /// real proxies send far less (a few hundred bytes with HAProxy's TLVs or AWS's VPC endpoint id), and the cap
    /// keeps a hostile peer from making us buffer its whole allowance before the header can be judged.
    /// </summary>
    public const int MaxV2Length = 4096;

    private const int V2FixedLength = 16;
    private const int V2Version = 0x2;
    private const int V2CommandLocal = 0x0;
    private const int V2CommandProxy = 0x1;
    private const int V2FamilyUnspecified = 0x0;
    private const int V2FamilyInet = 0x1;
    private const int V2FamilyInet6 = 0x2;
    private const int V2FamilyUnix = 0x3;
    private const int V2TransportStream = 0x1;
    private const int V2TransportDatagram = 0x2;

    private static readonly SearchValues<byte> s_ipv6Characters = SearchValues.Create("0123456789abcdefABCDEF:."u8);

    private static ReadOnlySpan<byte> V1Signature => "PROXY "u8;

    private static ReadOnlySpan<byte> V2Signature => [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    /// <summary>
    /// Parses the header at the start of <paramref name="buffer"/>. On <see cref="ProxyHeaderStatus.Parsed"/>,
    /// <paramref name="consumed"/> is where the client's own bytes begin; on <see cref="ProxyHeaderStatus.Invalid"/>,
    /// <paramref name="error"/> says what was wrong, for the log.
    /// </summary>
    public static ProxyHeaderStatus Parse(in ReadOnlySequence<byte> buffer, out SequencePosition consumed, out ProxyHeader header, out string? error)
    {
        consumed = buffer.Start;
        header = default;
        error = null;

        Span<byte> start = stackalloc byte[V2Signature.Length];
        start = start[..(int)Math.Min(buffer.Length, start.Length)];
        buffer.Slice(0, start.Length).CopyTo(start);

        if (start.StartsWith(V1Signature))
        {
            return ParseV1(buffer, out consumed, out header, out error);
        }

        if (start.StartsWith(V2Signature))
        {
            return ParseV2(buffer, out consumed, out header, out error);
        }

        return V1Signature.StartsWith(start) || V2Signature.StartsWith(start)
            ? ProxyHeaderStatus.IncompleteSignature
            : ProxyHeaderStatus.NoSignature;
    }

    private static ProxyHeaderStatus ParseV1(in ReadOnlySequence<byte> buffer, out SequencePosition consumed, out ProxyHeader header, out string? error)
    {
        consumed = buffer.Start;
        header = default;
        error = null;

        // Copied to the stack: at most 107 bytes, and a header split across segments reads like any other.
        Span<byte> line = stackalloc byte[MaxV1Length];
        line = line[..(int)Math.Min(buffer.Length, MaxV1Length)];
        buffer.Slice(0, line.Length).CopyTo(line);

        var end = line.IndexOfAny((byte)'\r', (byte)'\n');
        if (end >= 0 && (line[end] == '\n' || (end + 1 < line.Length && line[end + 1] != '\n')))
        {
            return Invalid("v1 header with a bare CR or LF instead of CRLF", out error);
        }

        if (end < 0 || end + 1 == line.Length)
        {
            return line.Length == MaxV1Length
                ? Invalid("v1 header without CRLF in its first 107 bytes", out error)
                : ProxyHeaderStatus.IncompleteHeader;
        }

        if (!TryParseV1Fields(line[V1Signature.Length..end], out header, out error))
        {
            return ProxyHeaderStatus.Invalid;
        }

        consumed = buffer.GetPosition(end + 2);
        return ProxyHeaderStatus.Parsed;
    }

    /// <summary>Parses what follows <c>"PROXY "</c>: <c>TCP4|TCP6 src dst srcport dstport</c>, or <c>UNKNOWN …</c>.</summary>
    private static bool TryParseV1Fields(ReadOnlySpan<byte> fields, out ProxyHeader header, out string? error)
    {
        header = default;
        error = null;

        // "The receiver must ignore anything presented before the CRLF is found" after UNKNOWN.
        if (fields.StartsWith("UNKNOWN"u8) && (fields.Length == 7 || fields[7] == ' '))
        {
            header = new ProxyHeader(1, null, null);
            return true;
        }

        Span<Range> parts = stackalloc Range[5];
        var count = 0;
        var partStart = 0;
        for (var i = 0; i <= fields.Length; i++)
        {
            if (i < fields.Length && fields[i] != ' ')
            {
                continue;
            }

            if (i == partStart)
            {
                return Fail("v1 header with an empty field (two spaces in a row, or a space before CRLF)", out error);
            }

            if (count == parts.Length)
            {
                return Fail("v1 header with more than protocol, two addresses and two ports", out error);
            }

            parts[count++] = partStart..i;
            partStart = i + 1;
        }

        if (count != parts.Length)
        {
            return Fail("v1 header without protocol, two addresses and two ports", out error);
        }

        var protocol = fields[parts[0]];
        var family = protocol.SequenceEqual("TCP4"u8) ? AddressFamily.InterNetwork
            : protocol.SequenceEqual("TCP6"u8) ? AddressFamily.InterNetworkV6
            : AddressFamily.Unknown;
        if (family == AddressFamily.Unknown)
        {
            return Fail("v1 header with a protocol other than TCP4, TCP6 or UNKNOWN", out error);
        }

        if (!TryParseAddress(fields[parts[1]], family, out var source) || !TryParseAddress(fields[parts[2]], family, out var destination))
        {
            return Fail("v1 header with an address that is not a valid address of its protocol", out error);
        }

        if (!TryParsePort(fields[parts[3]], out var sourcePort) || !TryParsePort(fields[parts[4]], out var destinationPort))
        {
            return Fail("v1 header with a port that is not a number from 0 to 65535", out error);
        }

        header = new ProxyHeader(1, new IPEndPoint(source, sourcePort), new IPEndPoint(destination, destinationPort));
        return true;
    }

    private static bool TryParseAddress(ReadOnlySpan<byte> text, AddressFamily family, [NotNullWhen(true)] out IPAddress? address) =>
        family == AddressFamily.InterNetwork ? TryParseIPv4(text, out address) : TryParseIPv6(text, out address);

    /// <summary>
    /// Exactly four decimal numbers from 0 to 255 without leading zeroes, as the specification asks.
    /// <see cref="IPAddress.TryParse(ReadOnlySpan{char}, out IPAddress?)"/> would also take "1", "0x7f.1" or "010.0.0.1".
    /// </summary>
    private static bool TryParseIPv4(ReadOnlySpan<byte> text, [NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        Span<byte> octets = stackalloc byte[4];
        var octet = 0;
        var value = 0;
        var digits = 0;
        foreach (var c in text)
        {
            if (c == '.')
            {
                if (digits == 0 || octet == 3)
                {
                    return false;
                }

                octets[octet++] = (byte)value;
                value = 0;
                digits = 0;
            }
            else if (char.IsAsciiDigit((char)c) && !(digits == 1 && value == 0))
            {
                value = (value * 10) + (c - '0');
                digits++;
                if (value > byte.MaxValue)
                {
                    return false;
                }
            }
            else
            {
                return false;
            }
        }

        if (digits == 0 || octet != 3)
        {
            return false;
        }

        octets[3] = (byte)value;
        address = new IPAddress(octets);
        return true;
    }

    /// <summary>Hex digits, colons and an optional dotted tail only: no brackets, no <c>%scope</c>.</summary>
    private static bool TryParseIPv6(ReadOnlySpan<byte> text, [NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        return text.Length <= 45
            && !text.ContainsAnyExcept(s_ipv6Characters)
            && IPAddress.TryParse(text, out address)
            && address.AddressFamily == AddressFamily.InterNetworkV6;
    }

    private static bool TryParsePort(ReadOnlySpan<byte> text, out int port)
    {
        port = 0;
        if (text.Length is 0 or > 5)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!char.IsAsciiDigit((char)c))
            {
                return false;
            }

            port = (port * 10) + (c - '0');
        }

        return port <= IPEndPoint.MaxPort;
    }

    private static ProxyHeaderStatus ParseV2(in ReadOnlySequence<byte> buffer, out SequencePosition consumed, out ProxyHeader header, out string? error)
    {
        consumed = buffer.Start;
        header = default;
        error = null;
        if (buffer.Length < V2FixedLength)
        {
            return ProxyHeaderStatus.IncompleteHeader;
        }

        var reader = new SequenceReader<byte>(buffer);
        reader.Advance(V2Signature.Length);
        reader.TryRead(out var versionAndCommand);
        reader.TryRead(out var familyAndTransport);
        reader.TryReadBigEndian(out short signedLength);
        var length = (ushort)signedLength;

        if (versionAndCommand >> 4 != V2Version)
        {
            return Invalid("v2 header with a version other than 2", out error);
        }

        var command = versionAndCommand & 0x0F;
        if (command is not (V2CommandLocal or V2CommandProxy))
        {
            return Invalid("v2 header with a command other than LOCAL or PROXY", out error);
        }

        if (V2FixedLength + length > MaxV2Length)
        {
            return Invalid("v2 header longer than 4096 bytes", out error);
        }

        if (buffer.Length < V2FixedLength + length)
        {
            return ProxyHeaderStatus.IncompleteHeader;
        }

        // LOCAL: the proxy speaks for itself (a health check). The specification says to discard the block,
        // family included, and keep the connection's real endpoints.
        if (command == V2CommandLocal)
        {
            header = new ProxyHeader(2, null, null);
            consumed = buffer.GetPosition(V2FixedLength + length);
            return ProxyHeaderStatus.Parsed;
        }

        var family = familyAndTransport >> 4;
        var transport = familyAndTransport & 0x0F;
        var addressLength = family switch
        {
            V2FamilyUnspecified => 0,
            V2FamilyInet => 12,
            V2FamilyInet6 => 36,
            V2FamilyUnix => 216,
            _ => -1,
        };
        if (addressLength < 0 || transport > V2TransportDatagram)
        {
            return Invalid("v2 header with an unknown address family or transport", out error);
        }

        if (length < addressLength)
        {
            return Invalid("v2 header shorter than the addresses of its family", out error);
        }

        if (family is V2FamilyInet or V2FamilyInet6 && transport == V2TransportStream)
        {
            var block = new SequenceReader<byte>(buffer.Slice(V2FixedLength, length));
            var size = family == V2FamilyInet ? 4 : 16;
            var source = ReadAddress(ref block, size);
            var destination = ReadAddress(ref block, size);
            block.TryReadBigEndian(out short sourcePort);
            block.TryReadBigEndian(out short destinationPort);
            header = new ProxyHeader(2, new IPEndPoint(source, (ushort)sourcePort), new IPEndPoint(destination, (ushort)destinationPort));
        }
        else
        {
            // UNSPEC, UDP or unix sockets: nothing this TCP service can use, so the real endpoints stay.
            header = new ProxyHeader(2, null, null);
        }

        if (!ProxyTlvParser.TryParse(buffer.Slice(0, V2FixedLength + length), V2FixedLength + addressLength, out var tlvs, out error))
        {
            header = default;
            return ProxyHeaderStatus.Invalid;
        }

        header = header with { Tlvs = tlvs };
        consumed = buffer.GetPosition(V2FixedLength + length);
        return ProxyHeaderStatus.Parsed;
    }

    private static IPAddress ReadAddress(ref SequenceReader<byte> block, int size)
    {
        Span<byte> bytes = stackalloc byte[size];
        block.TryCopyTo(bytes);
        block.Advance(size);
        return new IPAddress(bytes);
    }

    private static ProxyHeaderStatus Invalid(string reason, out string? error)
    {
        error = reason;
        return ProxyHeaderStatus.Invalid;
    }

    private static bool Fail(string reason, out string? error)
    {
        error = reason;
        return false;
    }
}
