using System.Net.Sockets;
using KestrelEcho.Transport;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace KestrelEcho.Connections;

/// <summary>
/// Resets a Kestrel connection: SO_LINGER 0, then the socket closed under Kestrel, so the kernel sends RST and the
/// client's next read fails with ECONNRESET. Kestrel's own abort would shut the socket down first, which sends FIN:
/// the client would see an orderly end of stream before the reset.
/// </summary>
internal static class SocketReset
{
    /// <summary>A connection with no socket of its own (a test transport, say) is aborted instead.</summary>
    public static void Reset(ConnectionContext connection, CloseReason reason)
    {
        // The epoll transport (Echo:Transport) owns its descriptor: it sets SO_LINGER 0 and closes it itself.
        if (connection.Features.Get<IConnectionResetFeature>() is { } transport)
        {
            transport.Reset(new ConnectionAbortedException($"Reset by the service ({reason.ToName()})."));
            return;
        }

        if (connection.Features.Get<IConnectionSocketFeature>()?.Socket is not { } socket)
        {
            connection.Abort(new ConnectionAbortedException($"Reset by the service ({reason.ToName()})."));
            return;
        }

        try
        {
            socket.LingerState = new LingerOption(enable: true, seconds: 0);
            socket.Dispose();
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            // Kestrel closed it first: the client already has its end of the connection.
        }
    }
}
