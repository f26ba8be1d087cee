using System.Globalization;

namespace KestrelEcho.Udp;

/// <summary>
/// Which source ports are answered, as one table indexed by port: one array read per datagram. Never the ports of
/// services that answer datagrams themselves (echo, daytime, qotd, chargen, time, DNS, NTP, SNMP, CLDAP, SSDP,
/// memcached) nor the echo's own port: a spoofed datagram from one of them would have us and that service answer
/// each other forever, or reflect an attack through us. Other ports below 1024 only when allowed.
/// </summary>
internal sealed class UdpSourcePorts
{
    public static readonly int[] ReflectorPorts = [7, 13, 17, 19, 37, 53, 123, 161, 389, 1900, 11211];

    private const int FirstUnprivilegedPort = 1024;

    private readonly UdpDropReason?[] _refusal = new UdpDropReason?[65536];

    public UdpSourcePorts(IEnumerable<(int First, int Last)> allowed, int ownPort)
    {
        for (var port = 0; port < FirstUnprivilegedPort; port++)
        {
            _refusal[port] = UdpDropReason.PrivilegedPort;
        }

        foreach (var (first, last) in allowed)
        {
            for (var port = first; port <= last; port++)
            {
                _refusal[port] = null;
            }
        }

        foreach (var port in ReflectorPorts)
        {
            _refusal[port] = UdpDropReason.ReflectorPort;
        }

        _refusal[ownPort] = UdpDropReason.ReflectorPort;
    }

    /// <summary>Why a datagram from <paramref name="port"/> is not answered, or null when it is.</summary>
    public UdpDropReason? Refusal(int port) => _refusal[port];

    /// <summary>Parses <c>500</c> or <c>600-700</c> (ports 1 to 65535, first not after last).</summary>
    public static bool TryParseRange(string? entry, out (int First, int Last) range)
    {
        range = default;
        if (string.IsNullOrWhiteSpace(entry))
        {
            return false;
        }

        var dash = entry.IndexOf('-', StringComparison.Ordinal);
        var firstText = dash < 0 ? entry : entry[..dash];
        var lastText = dash < 0 ? entry : entry[(dash + 1)..];
        if (!TryParsePort(firstText, out var first) || !TryParsePort(lastText, out var last) || first > last)
        {
            return false;
        }

        range = (first, last);
        return true;
    }

    private static bool TryParsePort(string text, out int port) =>
        int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is >= 1 and <= 65535;
}
