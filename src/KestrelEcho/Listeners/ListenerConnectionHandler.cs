using KestrelEcho.Connections;
using KestrelEcho.Echo;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace KestrelEcho.Listeners;

/// <summary>
/// The innermost layer of a named listener, in place of the plain echo's handler: its mode, and its impairments on
/// the echo. A listener in Echo or WhoAmI mode with no impairment at all, when a connection arrives, gives that
/// connection the plain echo's own loop, so an unimpaired listener costs what the plain echo costs.
/// </summary>
internal sealed class ListenerConnectionHandler(
    Listener listener,
    EchoConnectionHandler plainEcho,
    WhoAmIWriter whoAmI,
    TimeProvider timeProvider)
{
    public async Task OnConnectedAsync(ConnectionContext connection)
    {
        var session = connection.Features.GetRequiredFeature<EchoSession>();
        session.EnterStage(ConnectionStage.Echo, timeProvider.GetTimestamp());

        // Read once: a PUT while this connection runs changes its delay, jitter, rate and chunk size, not how it ends.
        var impairments = listener.Impairments;
        if (impairments.ResetOnAcceptProbability > 0 && Random.Shared.NextDouble() < impairments.ResetOnAcceptProbability)
        {
            session.End(CloseReason.InjectedReset);
            SocketReset.Reset(connection, CloseReason.InjectedReset);
            return;
        }

        if (listener.Mode == ListenerMode.WhoAmI && !await whoAmI.WriteAsync(connection, session))
        {
            session.End(CloseReason.ClientReset);
            return;
        }

        if (listener.Mode is ListenerMode.Echo or ListenerMode.WhoAmI && impairments.IsNone)
        {
            await plainEcho.OnConnectedAsync(connection);
            return;
        }

        using var wake = new EchoWakeFeature();
        connection.Features.Set(wake);
        try
        {
            var reason = listener.Mode switch
            {
                ListenerMode.Discard => await DiscardAsync(connection, session),
                ListenerMode.BlackHole => await BlackHoleAsync(connection, session),
                _ => await new ImpairedEcho(connection, session, listener, impairments, timeProvider, wake.Token).RunAsync(),
            };
            session.End(reason);
        }
        finally
        {
            // Before the wake feature goes: no close request can reach it after this.
            session.OnServerClosing(timeProvider.GetTimestamp());
            await connection.Transport.Input.CompleteAsync();
            await connection.Transport.Output.CompleteAsync();
        }
    }

    /// <summary>RFC 863: read and drop, counting what came in; the client's FIN ends it.</summary>
    private async Task<CloseReason> DiscardAsync(ConnectionContext connection, EchoSession session)
    {
        var input = connection.Transport.Input;
        while (true)
        {
            var result = await input.ReadAsync();
            var received = result.Buffer.Length;
            input.AdvanceTo(result.Buffer.End);
            if (received > 0)
            {
                session.OnReceived(received, timeProvider);
            }

            if (result.IsCanceled)
            {
                return session.RequestedCloseReason ?? CloseReason.ServerShutdown;
            }

            if (result.IsCompleted)
            {
                session.OnClientFin(timeProvider.GetTimestamp());
                return CloseReason.ClientClosed;
            }
        }
    }

    /// <summary>
    /// Takes nothing: whatever the client sends stays in the read buffer, which, once full, stops the transport reading,
    /// so the client's window closes as behind a dead peer. Only a close request (idle timeout, lifetime, drain, admin)
    /// or the client's own FIN or reset ends it. Nothing counts as received, so the idle timeout runs from the accept.
    /// </summary>
    private static async Task<CloseReason> BlackHoleAsync(ConnectionContext connection, EchoSession session)
    {
        var input = connection.Transport.Input;
        while (true)
        {
            var result = await input.ReadAsync();
            input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            if (result.IsCanceled)
            {
                return session.RequestedCloseReason ?? CloseReason.ServerShutdown;
            }

            if (result.IsCompleted)
            {
                return CloseReason.ClientClosed;
            }
        }
    }
}
