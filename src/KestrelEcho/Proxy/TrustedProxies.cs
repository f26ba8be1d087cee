using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;
using KestrelEcho.Net;

namespace KestrelEcho.Proxy;

/// <summary>
/// The peers whose PROXY protocol headers are believed (<c>Echo:TrustedProxies</c>): addresses and CIDR ranges.
/// IPv4 is compared as IPv4 whichever way it is written: a dual-mode socket reports an IPv4 peer as
/// <c>::ffff:a.b.c.d</c>, and an operator may write a range either way.
/// </summary>
internal sealed class TrustedProxies(IReadOnlyList<IPNetwork> networks)
{
    public IReadOnlyList<IPNetwork> Networks { get; } = networks;

    /// <summary>The entries, already validated at start-up.</summary>
    public static TrustedProxies Parse(IEnumerable<string> entries) =>
        new([.. entries.Select(static entry => TryParseEntry(entry, out var network) ? network : throw new FormatException($"Not an address or CIDR range: '{entry}'."))]);

    /// <summary>An address (<c>10.1.2.3</c>, <c>::1</c>: that one address) or a range (<c>10.0.0.0/8</c>, <c>fd00::/8</c>).</summary>
    public static bool TryParseEntry([NotNullWhen(true)] string? entry, out IPNetwork network)
    {
        network = default;
        if (string.IsNullOrWhiteSpace(entry))
        {
            return false;
        }

        var slash = entry.IndexOf('/', StringComparison.Ordinal);
        if (!TryParseAddress(slash < 0 ? entry : entry[..slash], out var address))
        {
            return false;
        }

        if (slash < 0)
        {
            network = new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
        }
        else if (!IPNetwork.TryParse(entry, out network) || !network.BaseAddress.Equals(address))
        {
            // IPNetwork would quietly clear host bits past the prefix ("10.0.0.1/8" as 10.0.0.0/8); in a list of
            // trusted peers such an entry is more likely a typo for one address than a range, so it is refused.
            return false;
        }

        if (network.BaseAddress.IsIPv4MappedToIPv6 && network.PrefixLength >= 96)
        {
            network = new IPNetwork(network.BaseAddress.MapToIPv4(), network.PrefixLength - 96);
        }

        return true;
    }

    /// <summary>
    /// IPv4 only in its usual dotted form: <see cref="IPAddress.TryParse(string?, out IPAddress?)"/> also takes
    /// "10" or "10.1" (0.0.0.10, 10.0.0.1), which in a security setting are more likely typos than meant. No scope ids.
    /// </summary>
    private static bool TryParseAddress(string text, [NotNullWhen(true)] out IPAddress? address) =>
        IPAddress.TryParse(text, out address)
        && !text.Contains('%', StringComparison.Ordinal)
        && (address.AddressFamily != AddressFamily.InterNetwork || address.ToString() == text);

    public bool Contains(IPAddress? address)
    {
        if (address is null)
        {
            return false;
        }

        address = address.Unmapped();
        foreach (var network in Networks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }
}
