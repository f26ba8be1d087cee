using System.Buffers;
using System.IO.Pipelines;
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
    EchoMetrics metrics,
    TimeProvider timeProvider,
    ILogger<EchoConnectionHandler> logger) : ConnectionHandler
{
    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        var session = registry.Open(connection);
        metrics.ConnectionOpened();
        EchoLog.ConnectionAccepted(logger, session.Id, session.RemoteEndPoint, session.LocalEndPoint);

        var transport = connection.Transport;
        var closeRequested = connection.Features.Get<IConnectionLifetimeNotificationFeature>()?.ConnectionClosedRequested
            ?? CancellationToken.None;

        // Kestrel asks each connection to close when the host stops. Waking the pending read (or the flush a
        // non-reading client holds up) lets the loop end cleanly at once instead of holding SIGTERM for the
        // host's whole shutdown timeout and then being aborted.
        using var closeRegistration = closeRequested.UnsafeRegister(
            static state =>
            {
                var pipe = (IDuplexPipe)state!;
                pipe.Input.CancelPendingRead();
                pipe.Output.CancelPendingFlush();
            },
            transport);

        var reason = CloseReason.Error;
        try
        {
            reason = await EchoAsync(connection, session);
        }
        catch (ConnectionResetException)
        {
            reason = CloseReason.ClientReset;
        }
        catch (OperationCanceledException)
        {
            // ConnectionAbortedException lands here: the transport gave up on the socket.
            reason = closeRequested.IsCancellationRequested ? CloseReason.ServerShutdown : CloseReason.ClientReset;
        }
        catch (Exception exception)
        {
            EchoLog.ConnectionFailed(logger, session.Id, session.RemoteEndPoint, exception);
        }
        finally
        {
            await transport.Input.CompleteAsync();

            // Last, because completing the output is what sends our FIN.
            await transport.Output.CompleteAsync();

            registry.Close(session);
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
        }
    }

    private async Task<CloseReason> EchoAsync(ConnectionContext connection, EchoSession session)
    {
        var input = connection.Transport.Input;
        var output = connection.Transport.Output;

        while (true)
        {
            // No token here: the connection's own tokens also fire on the client's FIN and would drop the tail.
            var result = await input.ReadAsync();
            var buffer = result.Buffer;

            if (!buffer.IsEmpty)
            {
                var length = buffer.Length;
                foreach (var segment in buffer)
                {
                    output.Write(segment.Span);
                }

                input.AdvanceTo(buffer.End);
                session.OnReceived(length, timeProvider.GetTimestamp());
                metrics.BytesReceived(length);

                // Awaiting the flush is the backpressure: a client that does not read stops us reading from it.
                var flush = await output.FlushAsync();
                if (flush.IsCompleted)
                {
                    return CloseReason.ClientReset;
                }

                session.OnSent(length, timeProvider.GetTimestamp());
                metrics.BytesSent(length);

                if (flush.IsCanceled)
                {
                    // Shutdown found us waiting on a client that does not read. Our FIN would queue behind
                    // data it will never take, holding the socket until the host's timeout: abort instead.
                    connection.Abort(new ConnectionAbortedException("The server is shutting down and the client is not reading."));
                    return CloseReason.ServerShutdown;
                }
            }
            else
            {
                input.AdvanceTo(buffer.End);
            }

            if (result.IsCanceled)
            {
                return CloseReason.ServerShutdown;
            }

            if (result.IsCompleted)
            {
                return CloseReason.ClientClosed;
            }
        }
    }
}
