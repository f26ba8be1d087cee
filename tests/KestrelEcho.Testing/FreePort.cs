using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace KestrelEcho.Testing;

/// <summary>Ports for external programs (Prometheus, HAProxy) that cannot report a port 0 they bound.</summary>
public static class FreePort
{
    /// <summary>
    /// A loopback port free a moment ago, chosen below the kernel's ephemeral range: every client socket of every
    /// test, and every port-0 listener, takes its port from that range, so none of them can take this one before the
    /// program binds it.
    /// </summary>
    public static int OnLoopback()
    {
        var ephemeralLow = EphemeralRangeStart();
        var candidates = Enumerable.Range(0, 200).Select(_ => Random.Shared.Next(Math.Max(1024, ephemeralLow - 12_000), ephemeralLow));
        foreach (var port in candidates)
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                probe.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException exception) when (exception.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                // Taken by a program of its own choosing: try another.
            }
        }

        throw new InvalidOperationException($"No free loopback port below {ephemeralLow} after 200 tries.");
    }

    private static int EphemeralRangeStart()
    {
        const string Range = "/proc/sys/net/ipv4/ip_local_port_range";
        return File.Exists(Range) ? int.Parse(File.ReadAllText(Range).Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture) : 32768;
    }
}
