using System.Net;
using KestrelEcho.Connections;
using Microsoft.AspNetCore.Connections;

namespace KestrelEcho.Echo;

/// <summary>
/// The bookkeeping at both ends of every echo session, whatever its transport: opened, it is registered, counted and
/// logged at Debug; closed, it is counted with its reason, logged (or added to the refusal summary, when it never
/// reached the echo) and, last, unregistered. The TCP path (<see cref="ConnectionTrackingMiddleware"/>) and the
/// WebSocket path each hold one, with their own logger, so both account for a session the same way.
/// </summary>
internal sealed class SessionTracker(
    ConnectionRegistry registry,
    EchoMetrics metrics,
    RefusalLog refusals,
    TimeProvider timeProvider,
    ILogger logger)
{
    public EchoSession Open(string id, ConnectionListener listener, IPEndPoint? remoteEndPoint, IPEndPoint? localEndPoint, ISessionConnection connection) =>
        Opened(registry.Open(id, listener, remoteEndPoint, localEndPoint, connection));

    public EchoSession Open(ConnectionContext connection, ConnectionListener listener) =>
        Opened(registry.Open(connection, listener));

    /// <summary>Something other than a reset or an abort ended the session: logged at Error, closed with <c>error</c>.</summary>
    public void Failed(EchoSession session, Exception exception)
    {
        EchoLog.ConnectionFailed(logger, session.Id, session.RemoteEndPoint, exception);
        session.End(CloseReason.Error);
    }

    /// <summary>Counts, logs and unregisters the session; call once its connection has let go of the client.</summary>
    public void Close(EchoSession session, CloseReason reason)
    {
        // One reading for the metric, the log line and /connections, so all three show the same duration.
        var closedTimestamp = timeProvider.GetTimestamp();
        var duration = timeProvider.GetElapsedTime(session.StartTimestamp, closedTimestamp);

        // The bytes since the sweeper's last tick: from here on the counters hold the session's bytes exactly.
        metrics.CatchUp(session, closedTimestamp);
        metrics.ConnectionClosed(reason, session.Listener, duration);
        if (session.WasRefused)
        {
            refusals.Add(reason, session.RemoteEndPoint?.Address);
        }
        else
        {
            EchoLog.ConnectionClosed(
                logger,
                session.Id,
                session.RemoteEndPoint,
                reason.ToName(),
                duration.TotalMilliseconds,
                session.BytesReceived,
                session.BytesSent);
        }

        // Last: once a connection has left the registry, its close is counted and logged, so whoever waits for the
        // registry to empty (the drain, tests) sees everything about it.
        registry.Close(session, reason, closedTimestamp);
    }

    private EchoSession Opened(EchoSession session)
    {
        metrics.ConnectionOpened(session.Listener);
        EchoLog.ConnectionAccepted(logger, session.Id, session.RemoteEndPoint, session.LocalEndPoint);
        return session;
    }
}
