using System.Net;
using System.Net.Sockets;
using KestrelEcho.Client.Cli;

namespace KestrelEcho.Client.Bench;

/// <summary>
/// Which local address each connection comes from: the kernel's choice, or connection <c>i</c> (from 0) bound to
/// <c>127.0.0.(10 + i % n)</c>. One source address runs out when a loopback target gets more connections than
/// its ephemeral ports (about 28,000), when churn leaves its ports in TIME_WAIT, or when the service's
/// <c>Echo:MaxConnectionsPerIp</c> refuses the rest; every address of 127.0.0.0/8 reaches loopback on Linux.
/// </summary>
internal sealed class SourceAddresses
{
    public const int MaxCount = 245;

    private const int FirstHost = 10;

    /// <summary>
    /// Half the service's default <c>Echo:MaxConnectionsPerIp</c> (100): room for connections the client has
    /// closed but the service has not yet counted out.
    /// </summary>
    private const int ConnectionsPerAddress = 50;

    /// <summary>
    /// Each connection churn closes keeps its port in TIME_WAIT for 60 s, so one address's ~28,000 ephemeral
    /// ports sustain about 470 connections/s; 16 addresses about 7,500/s, more than this client reaches.
    /// </summary>
    private const int ChurnAddresses = 16;

    private readonly IPAddress[] _addresses;

    private SourceAddresses(IPAddress[] addresses, IReadOnlyList<IPAddress> targets)
    {
        _addresses = addresses;
        Targets = targets;
    }

    public int Count => _addresses.Length;

    /// <summary>The target's addresses these sources can reach.</summary>
    public IReadOnlyList<IPAddress> Targets { get; }

    /// <summary>
    /// Spreads when asked (<paramref name="requested"/> above 0) or, when not said (null), for loopback targets
    /// that one address would not serve; 0 leaves every connection to the kernel.
    /// </summary>
    public static SourceAddresses Plan(int? requested, BenchSettings settings, string host, IReadOnlyList<IPAddress> targets)
    {
        var loopback = targets.Where(address => address.AddressFamily == AddressFamily.InterNetwork && IPAddress.IsLoopback(address)).ToArray();
        if (requested > 0 && loopback.Length == 0)
        {
            var resolved = targets.Count == 1 && targets[0].ToString() == host ? host : $"{host} ({string.Join(", ", targets)})";
            throw new UsageException(
                $"--source-addresses binds to 127.0.0.x, which reaches only IPv4 loopback targets, and {resolved} is not one; use --source-addresses 0");
        }

        // Left alone, one address is what the kernel uses anyway, so automatic spreading starts at two.
        var count = requested ?? (loopback.Length == 0 ? 0 : Automatic(settings));
        if (count == 0 || (requested is null && count == 1))
        {
            return new SourceAddresses([], targets);
        }

        var addresses = Enumerable.Range(FirstHost, count).Select(last => new IPAddress([127, 0, 0, (byte)last])).ToArray();
        return new SourceAddresses(addresses, loopback);
    }

    /// <summary>The address for connection <paramref name="index"/> (from 0); null for the kernel's choice.</summary>
    public IPAddress? For(long index) => _addresses.Length == 0 ? null : _addresses[index % _addresses.Length];

    public override string ToString() => _addresses.Length switch
    {
        0 => "the kernel's choice",
        1 => $"{_addresses[0]}",
        _ => $"{_addresses[0]} to {_addresses[^1]} ({_addresses.Length} addresses)",
    };

    private static int Automatic(BenchSettings settings)
    {
        var forLimit = (settings.Connections + ConnectionsPerAddress - 1) / ConnectionsPerAddress;
        return Math.Min(MaxCount, settings.Mode == BenchMode.Churn ? Math.Max(forLimit, ChurnAddresses) : forLimit);
    }
}
