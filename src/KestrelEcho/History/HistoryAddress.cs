using System.Net;
using System.Net.Sockets;

namespace KestrelEcho.History;

/// <summary>
/// Client addresses as the history stores them: 16 bytes, IPv4 in its IPv6-mapped form, so that IPv4 and IPv6
/// clients sort in one order and a network (<c>ip=10.0.0.0/8</c>) is one range of the index.
/// </summary>
internal static class HistoryAddress
{
    private const int Length = 16;
    private const int MappedPrefixLength = 96;

    public static byte[] ToStored(IPAddress address) => address.MapToIPv6().GetAddressBytes();

    /// <summary>As <c>/connections</c> shows clients: IPv4 as IPv4.</summary>
    public static IPAddress FromStored(byte[] stored)
    {
        var address = new IPAddress(stored);
        return address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
    }

    /// <summary>The first and last stored address inside <paramref name="network"/>.</summary>
    public static (byte[] First, byte[] Last) Range(IPNetwork network)
    {
        var first = ToStored(network.BaseAddress);
        var prefix = network.BaseAddress.AddressFamily == AddressFamily.InterNetwork
            ? network.PrefixLength + MappedPrefixLength
            : network.PrefixLength;
        var last = (byte[])first.Clone();
        for (var bit = prefix; bit < Length * 8; bit++)
        {
            first[bit / 8] &= (byte)~(0x80 >> (bit % 8));
            last[bit / 8] |= (byte)(0x80 >> (bit % 8));
        }

        return (first, last);
    }
}
