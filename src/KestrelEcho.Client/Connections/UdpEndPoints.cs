using System.Net;
using System.Net.Sockets;

namespace KestrelEcho.Client.Connections;

/// <summary>Where UDP datagrams go: UDP has no handshake to try each address with, so one address is chosen.</summary>
internal static class UdpEndPoints
{
    /// <summary>The largest UDP payload over IPv4 (65,535 less the IPv4 and UDP headers); IPv6 allows 20 bytes more.</summary>
    public const int MaxPayload = 65_507;

    /// <summary>
    /// The target's first IPv4 address, else its first: nothing on the wire tells which addresses a UDP echo listens
    /// on, and a name like <c>localhost</c> resolving to <c>::1</c> first would miss an IPv4-only echo in silence.
    /// </summary>
    public static async Task<IPEndPoint> ResolveAsync(EchoTarget target, CancellationToken cancellationToken) =>
        Choose(await EchoConnector.ResolveAsync(target.Host, cancellationToken), target.Port);

    /// <inheritdoc cref="ResolveAsync"/>
    public static IPEndPoint Choose(IReadOnlyList<IPAddress> addresses, int port) =>
        new(addresses.FirstOrDefault(candidate => candidate.AddressFamily == AddressFamily.InterNetwork) ?? addresses[0], port);

    /// <summary>The local address the kernel would send from to <paramref name="remote"/>: connecting a UDP socket sends nothing.</summary>
    public static IPAddress SourceFor(IPEndPoint remote)
    {
        using var probe = new Socket(remote.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            probe.Connect(remote);
        }
        catch (SocketException exception)
        {
            throw new EchoClientException($"no route to {remote} over UDP: {exception.Message}", exception);
        }

        return ((IPEndPoint)probe.LocalEndPoint!).Address;
    }
}
