using Microsoft.AspNetCore.Connections;

namespace KestrelEcho.Connections;

/// <summary>A TCP (or TLS) echo connection as Kestrel's connection middleware sees it.</summary>
internal sealed class KestrelSessionConnection(ConnectionContext connection) : ISessionConnection
{
    /// <summary>Cancels the loop's pending read, or the flush a non-reading client holds up.</summary>
    public void WakeEcho(CloseReason reason)
    {
        // The wake first: with inline pipe scheduling (the epoll transport, or sockets with InlineSocketIo) cancelling
        // the read runs the loop to its end right here, and that end disposes the wake feature.
        connection.Features.Get<EchoWakeFeature>()?.Wake();
        connection.Transport.Input.CancelPendingRead();
        connection.Transport.Output.CancelPendingFlush();
    }

    public void Abort(CloseReason reason) =>
        connection.Abort(new ConnectionAbortedException($"Closed by the service ({reason.ToName()}) before the echo."));

    public void Reset(CloseReason reason) => SocketReset.Reset(connection, reason);
}
