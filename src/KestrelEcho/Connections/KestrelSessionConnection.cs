using Microsoft.AspNetCore.Connections;

namespace KestrelEcho.Connections;

/// <summary>A TCP (or TLS) echo connection as Kestrel's connection middleware sees it.</summary>
internal sealed class KestrelSessionConnection(ConnectionContext connection) : ISessionConnection
{
    /// <summary>Cancels the loop's pending read, or the flush a non-reading client holds up.</summary>
    public void WakeEcho(CloseReason reason)
    {
        connection.Transport.Input.CancelPendingRead();
        connection.Transport.Output.CancelPendingFlush();
        connection.Features.Get<EchoWakeFeature>()?.Wake();
    }

    public void Abort(CloseReason reason) =>
        connection.Abort(new ConnectionAbortedException($"Closed by the service ({reason.ToName()}) before the echo."));

    public void Reset(CloseReason reason) => SocketReset.Reset(connection, reason);
}
