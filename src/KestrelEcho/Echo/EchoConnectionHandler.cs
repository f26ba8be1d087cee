using System.Buffers;
using KestrelEcho.Telemetry;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace KestrelEcho.Echo;

/// <summary>
/// RFC 862 echo: every byte a client sends goes back to it, in order, unchanged. The returned task is the
/// connection's lifetime; the connection is in the <see cref="ConnectionRegistry"/> exactly that long.
/// </summary>
internal sealed class EchoConnectionHandler(
    ConnectionRegistry registry,
    ConnectionAdmission admission,
    EchoSettings settings,
    EchoMetrics metrics,
    TimeProvider timeProvider,
    ILogger<EchoConnectionHandler> logger) : ConnectionHandler
{
    public override Task OnConnectedAsync(ConnectionContext connection) => RunAsync(connection, refusal: null);

    /// <summary>
    /// Closes a connection refused before the echo (by the PROXY protocol middleware) with
    /// <paramref name="reason"/>, through the same bookkeeping as every echo connection: registered, counted
    /// opened and closed, logged, and listed in <c>/connections/recent</c>.
    /// </summary>
    public Task RefuseAsync(ConnectionContext connection, CloseReason reason) => RunAsync(connection, reason);

    private async Task RunAsync(ConnectionContext connection, CloseReason? refusal)
    {
        var session = registry.Open(connection);
        metrics.ConnectionOpened();
        EchoLog.ConnectionAccepted(logger, session.Id, session.RemoteEndPoint, session.LocalEndPoint);

        // Kestrel asks each connection to close when the host stops (after the drain). Waking the loop lets it
        // end cleanly at once instead of holding SIGTERM for the host's whole shutdown timeout.
        var closeRequested = connection.Features.Get<IConnectionLifetimeNotificationFeature>()?.ConnectionClosedRequested
            ?? CancellationToken.None;
        using var closeRegistration = closeRequested.UnsafeRegister(
            static state => ((EchoSession)state!).RequestClose(CloseReason.ServerShutdown),
            session);

        var reason = CloseReason.Error;
        try
        {
            reason = refusal
                ?? admission.TryAdmit(session.RemoteEndPoint?.Address)
                ?? await EchoAdmittedAsync(connection, session);
        }
        finally
        {
            session.OnServerClosing(timeProvider.GetTimestamp());
            await connection.Transport.Input.CompleteAsync();

            // Last, because completing the output is what sends our FIN.
            await connection.Transport.Output.CompleteAsync();

            var duration = timeProvider.GetElapsedTime(session.StartTimestamp);
            metrics.ConnectionClosed(reason, duration);
            EchoLog.ConnectionClosed(
                logger,
                session.Id,
                session.RemoteEndPoint,
                reason.ToName(),
                duration.TotalMilliseconds,
                session.BytesReceived,
                session.BytesSent);

            // Last: once a connection has left the registry, its close is counted and logged, so whoever
            // waits for the registry to empty (the drain, tests) sees everything about it.
            registry.Close(session, reason);
        }
    }

    private async Task<CloseReason> EchoAdmittedAsync(ConnectionContext connection, EchoSession session)
    {
        try
        {
            return await EchoAsync(connection, session, settings.Current.MaxBytesPerConnection);
        }
        catch (ConnectionResetException)
        {
            return CloseReason.ClientReset;
        }
        catch (OperationCanceledException)
        {
            // ConnectionAbortedException lands here: the transport gave up on the socket, or we aborted it.
            return session.RequestedCloseReason ?? CloseReason.ClientReset;
        }
        catch (Exception exception)
        {
            EchoLog.ConnectionFailed(logger, session.Id, session.RemoteEndPoint, exception);
            return CloseReason.Error;
        }
        finally
        {
            admission.Release(session.RemoteEndPoint?.Address);
        }
    }

    private async Task<CloseReason> EchoAsync(ConnectionContext connection, EchoSession session, long maxBytes)
    {
        var input = connection.Transport.Input;
        var output = connection.Transport.Output;

        while (true)
        {
            // No token here: the connection's own tokens also fire on the client's FIN and would drop the tail.
            // The service ends the loop through EchoSession.RequestClose, which cancels this read.
            var result = await input.ReadAsync();
            var buffer = result.Buffer;
            var reachedByteLimit = false;

            if (!buffer.IsEmpty)
            {
                var received = buffer.Length;
                var echo = buffer;
                if (maxBytes > 0 && session.BytesReceived + received >= maxBytes)
                {
                    // Echo up to the limit; what the client sent past it is dropped with the connection.
                    echo = buffer.Slice(0, maxBytes - session.BytesReceived);
                    reachedByteLimit = true;
                }

                // Measured before AdvanceTo: after it the sequence's segments belong to the pool again.
                var echoed = echo.Length;
                foreach (var segment in echo)
                {
                    output.Write(segment.Span);
                }

                input.AdvanceTo(buffer.End);
                session.OnReceived(received, timeProvider.GetTimestamp());
                metrics.BytesReceived(received);

                // Awaiting the flush is the backpressure: a client that does not read stops us reading from it.
                var flush = await output.FlushAsync();
                if (flush.IsCompleted)
                {
                    return CloseReason.ClientReset;
                }

                session.OnSent(echoed, timeProvider.GetTimestamp());
                metrics.BytesSent(echoed);

                if (flush.IsCanceled)
                {
                    // The service wants this connection closed while it waits on a client that does not read.
                    // Our FIN would queue behind data the client never takes, holding the socket: abort instead.
                    connection.Abort(new ConnectionAbortedException("Closed by the service while the client was not reading."));
                    return session.RequestedCloseReason ?? CloseReason.ServerShutdown;
                }
            }
            else
            {
                input.AdvanceTo(buffer.End);
            }

            if (reachedByteLimit)
            {
                return CloseReason.ByteLimit;
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
}
