using System.Net;
using System.Net.Sockets;

namespace KestrelEcho.Net;

/// <summary>
/// The network a client address counts under for per-client limits and refusal summaries. One IPv6 host is
/// usually given a whole /64, so counting IPv6 clients by address would let one host take every slot.
/// </summary>
internal static class ClientPrefix
{
    public static IPNetwork Of(IPAddress address, int prefixV4, int prefixV6)
    {
        address = address.Unmapped();
        var prefixLength = address.AddressFamily == AddressFamily.InterNetwork ? prefixV4 : prefixV6;
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var length);
        bytes = bytes[..length];

        var fullBytes = prefixLength / 8;
        if (fullBytes < length)
        {
            bytes[fullBytes] &= (byte)(0xFF << (8 - (prefixLength % 8)));
            bytes[(fullBytes + 1)..].Clear();
        }

        // The scope id is not part of the network: fe80::1%eth0 and fe80::1%eth1 count together.
        return new IPNetwork(new IPAddress(bytes), prefixLength);
    }
}
