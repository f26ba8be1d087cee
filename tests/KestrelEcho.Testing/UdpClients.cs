using System.Net;
using System.Net.Sockets;

namespace KestrelEcho.Testing;

/// <summary>UDP clients of the UDP echo: a bound socket, and one datagram out and its answer back with the answer's source.</summary>
public static class UdpClients
{
    /// <summary>A UDP socket bound to <paramref name="source"/> and <paramref name="port"/> (0: any free port).</summary>
    public static Socket Bind(IPAddress source, int port = 0)
    {
        var socket = new Socket(source.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Bind(new IPEndPoint(source, port));
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The next datagram <paramref name="socket"/> receives, and who sent it.</summary>
    public static async Task<(byte[] Data, IPEndPoint From)> ReceiveAsync(this Socket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[65_536];
        var any = socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any;
        var received = await socket.ReceiveFromAsync(buffer, new IPEndPoint(any, 0), cancellationToken);
        return (buffer[..received.ReceivedBytes], (IPEndPoint)received.RemoteEndPoint);
    }

    /// <summary>Sends <paramref name="payload"/> to <paramref name="to"/> and returns the first datagram that comes back.</summary>
    public static async Task<(byte[] Data, IPEndPoint From)> ExchangeAsync(this Socket socket, byte[] payload, IPEndPoint to, CancellationToken cancellationToken)
    {
        using var timeout = TestTimeout.Start(10);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        await socket.SendToAsync(payload, to, linked.Token);
        return await socket.ReceiveAsync(linked.Token);
    }

    /// <summary>
    /// Sends <paramref name="payload"/> from <paramref name="socket"/> and asserts that nothing came back. Without
    /// waiting out a time: a probe from another socket is answered after it (one receive loop, in order), and by then
    /// an answer to the first would already be in <paramref name="socket"/>'s queue.
    /// </summary>
    public static async Task AssertNotAnsweredAsync(this Socket socket, byte[] payload, IPEndPoint to, CancellationToken cancellationToken)
    {
        await socket.SendToAsync(payload, to, cancellationToken);
        using var probe = Bind(to.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Loopback : IPAddress.Loopback);
        await probe.ExchangeAsync([0x70], to, cancellationToken);
        Assert.Equal(0, socket.Available);
    }
}
