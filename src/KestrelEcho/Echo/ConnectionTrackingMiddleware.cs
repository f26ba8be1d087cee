using KestrelEcho.Connections;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace KestrelEcho.Echo;

/// <summary>
/// The outermost layer of every echo endpoint: each connection, refused or echoed, passes through here exactly
/// once. It creates the connection's <see cref="EchoSession"/> (a feature the later layers share), registers it and
/// counts it opened; in one <c>finally</c> it counts it closed with the reason the layer that ended it gave, writes
/// its close line (or adds it to the refusal summary, when it never reached the echo) and unregisters it.
/// </summary>
internal sealed class ConnectionTrackingMiddleware(
    ConnectionDelegate next,
    ConnectionRegistry registry,
    EchoMetrics metrics,
    RefusalLog refusals,
    TimeSpan handshakeTimeout,
    TimeProvider timeProvider,
    ILogger<ConnectionTrackingMiddleware> logger)
{
    /// <summary>
    /// Kestrel's handshake timeout is a timer, and the runtime's timers count whole milliseconds (15.6 ms ticks on
    /// Windows): one can fire that much before the stopwatch says the timeout is up. Without this margin, 9 of 999
    /// silent TLS connections in the attack battery were counted as failed handshakes instead of timed-out ones.
    /// </summary>
    private static readonly TimeSpan s_timerEarliness = TimeSpan.FromMilliseconds(16);

    public async Task OnConnectedAsync(ConnectionContext connection)
    {
        var session = registry.Open(connection);
        connection.Features.Set(session);
        metrics.ConnectionOpened();
        EchoLog.ConnectionAccepted(logger, session.Id, session.RemoteEndPoint, session.LocalEndPoint);

        // Kestrel asks each connection to close when the host stops (after the drain). Waking the loop, or aborting a
        // connection still on its way to the echo, ends it at once instead of holding SIGTERM for the whole timeout.
        var closeRequested = connection.Features.Get<IConnectionLifetimeNotificationFeature>()?.ConnectionClosedRequested
            ?? CancellationToken.None;
        using var closeRegistration = closeRequested.UnsafeRegister(
            static state => ((EchoSession)state!).RequestClose(CloseReason.ServerShutdown),
            session);

        try
        {
            await next(connection);
        }
        catch (ConnectionResetException)
        {
            session.End(CloseReason.ClientReset);
        }
        catch (OperationCanceledException)
        {
            // ConnectionAbortedException lands here: the transport gave up on the socket, or we aborted it.
            session.End(session.RequestedCloseReason ?? CloseReason.ClientReset);
        }
        catch (Exception exception)
        {
            EchoLog.ConnectionFailed(logger, session.Id, session.RemoteEndPoint, exception);
            session.End(CloseReason.Error);
        }
        finally
        {
            await CloseAsync(connection, session);
        }
    }

    private async Task CloseAsync(ConnectionContext connection, EchoSession session)
    {
        var reason = session.EndReason ?? session.RequestedCloseReason ?? UnfinishedStage(session);
        if (session.ServerClosingTimestamp == 0)
        {
            session.OnServerClosing(timeProvider.GetTimestamp());
        }

        // The echo loop completes its own pipes; a connection that never reached it is closed here (our FIN).
        await connection.Transport.Input.CompleteAsync();
        await connection.Transport.Output.CompleteAsync();

        var duration = timeProvider.GetElapsedTime(session.StartTimestamp);
        metrics.ConnectionClosed(reason, duration);
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
        registry.Close(session, reason);
    }

    /// <summary>
    /// Every layer of ours says why it ends a connection; Kestrel's TLS layer does not: a connection that comes back
    /// from it still in the handshake failed there (Kestrel logs why at Debug), or ran out of time.
    /// </summary>
    private CloseReason UnfinishedStage(EchoSession session)
    {
        if (session.Stage != ConnectionStage.TlsHandshake)
        {
            return CloseReason.Error;
        }

        return timeProvider.GetElapsedTime(session.StageTimestamp) >= handshakeTimeout - s_timerEarliness
            ? CloseReason.HandshakeTimeout
            : CloseReason.TlsHandshakeFailed;
    }
}
