using System.Net;
using System.Net.Security;
using System.Net.Sockets;

namespace KestrelEcho.Client.Connections;

/// <summary>One open connection to an echo endpoint: the socket, and the stream to talk through (TLS or not).</summary>
internal sealed class EchoConnection(Socket socket, Stream stream, SslStream? tls) : IAsyncDisposable
{
    public Socket Socket { get; } = socket;

    public Stream Stream { get; } = stream;

    /// <summary>Null on plain TCP.</summary>
    public SslStream? Tls { get; } = tls;

    public IPEndPoint LocalEndPoint { get; } = (IPEndPoint)socket.LocalEndPoint!;

    public IPEndPoint RemoteEndPoint { get; } = (IPEndPoint)socket.RemoteEndPoint!;

    /// <summary>
    /// Tells the server we have nothing more to send while we keep reading its echo: a TCP FIN, or inside TLS a
    /// close_notify, which the server's TLS layer reads as the end of our stream.
    /// </summary>
    public async Task CompleteSendingAsync()
    {
        if (Tls is not null)
        {
            await Tls.ShutdownAsync();
        }
        else
        {
            Socket.Shutdown(SocketShutdown.Send);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Stream.DisposeAsync();
        Socket.Dispose();
    }
}
