using KestrelEcho.Connections;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace KestrelEcho.Echo;

/// <summary>
/// The outermost layer of every echo endpoint: each connection, refused or echoed, passes through here exactly
/// once. It opens the connection's <see cref="EchoSession"/> (a feature the later layers share) through the
/// <see cref="SessionTracker"/>; in one <c>finally</c> it completes the pipes and has the tracker close it with the
/// reason the layer that ended it gave.
/// </summary>
internal sealed class ConnectionTrackingMiddleware(
    ConnectionDelegate next,
    ConnectionListener listener,
    SessionTracker tracker,
    TimeProvider timeProvider)
{
    public async Task OnConnectedAsync(ConnectionContext connection)
    {
        var session = tracker.Open(connection, listener);
        connection.Features.Set(session);

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
        catch (Exception) when (session.EndReason is CloseReason.AdminReset or CloseReason.InjectedReset)
        {
            // We closed the socket under Kestrel (EchoSession.RequestReset): whatever a layer was reading fails (ECANCELED,
            // or an IOException from TLS). The reason was said before the socket went.
        }
        catch (OperationCanceledException)
        {
            // ConnectionAbortedException lands here: the transport gave up on the socket, or we aborted it.
            session.End(session.RequestedCloseReason ?? CloseReason.ClientReset);
        }
        catch (Exception exception)
        {
            tracker.Failed(session, exception);
        }
        finally
        {
            await CloseAsync(connection, session);
        }
    }

    private async Task CloseAsync(ConnectionContext connection, EchoSession session)
    {
        var reason = session.EndReason ?? session.RequestedCloseReason ?? UnfinishedStage(session.Stage);
        if (session.ServerClosingTimestamp == 0)
        {
            session.OnServerClosing(timeProvider.GetTimestamp());
        }

        // The echo loop completes its own pipes; a connection that never reached it is closed here (our FIN).
        await connection.Transport.Input.CompleteAsync();
        await connection.Transport.Output.CompleteAsync();
        tracker.Close(session, reason);
    }

    /// <summary>
    /// Every layer of ours says why it ends a connection; Kestrel's TLS layer does not: a connection that comes back
    /// from it still in the handshake failed there (Kestrel logs why at Debug). Its timeout is the sweeper's request.
    /// </summary>
    private static CloseReason UnfinishedStage(ConnectionStage stage) =>
        stage == ConnectionStage.TlsHandshake ? CloseReason.TlsHandshakeFailed : CloseReason.Error;
}
