using System.Net;
using System.Net.Sockets;

namespace KestrelEcho.Testing;

/// <summary>Plain TCP clients of the service's endpoints (or of what stands in front of it).</summary>
public static class TcpClients
{
    /// <summary>A socket connected to <paramref name="endPoint"/>, from <paramref name="source"/> (any 127.0.0.x) when given.</summary>
    public static async Task<Socket> ConnectAsync(IPEndPoint endPoint, CancellationToken cancellationToken, IPAddress? source = null)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (source is not null)
            {
                socket.Bind(new IPEndPoint(source, 0));
            }

            await socket.ConnectAsync(endPoint, cancellationToken);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
