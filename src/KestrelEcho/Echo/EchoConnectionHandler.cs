using System.Buffers;
using System.IO.Pipelines;
using KestrelEcho.Connections;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace KestrelEcho.Echo;

/// <summary>
/// RFC 862 echo, the innermost layer: every byte a client sends goes back to it, in order, unchanged. By the time a
/// connection gets here the outer layers have tracked, limited and (on the TLS endpoint) decrypted it; this is only
/// the loop. It says on the session why the echo ended.
/// </summary>
internal sealed class EchoConnectionHandler(EchoSettings settings, TimeProvider timeProvider) : ConnectionHandler
{
    /// <remarks>
    /// The loop lives in this method, not in one it awaits: an idle connection waits here with one state machine of
    /// ours instead of two (with the tracking and limit layers', the only ones it holds between reads).
    /// </remarks>
    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        var session = connection.Features.GetRequiredFeature<EchoSession>();
        session.EnterStage(ConnectionStage.Echo, timeProvider.GetTimestamp());
        var input = connection.Transport.Input;
        var output = connection.Transport.Output;
        var maxBytes = settings.Current.MaxBytesPerConnection;

        // A reset, an abort or a failure goes out to the tracking layer, which says which it was.
        try
        {
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
                    session.OnReceived(received, timeProvider);

                    // Awaiting the flush is the backpressure: a client that does not read stops us reading from it.
                    var flush = await FlushAsync(output, session);
                    if (flush.IsCompleted)
                    {
                        session.End(CloseReason.ClientReset);
                        return;
                    }

                    session.OnSent(echoed);

                    if (flush.IsCanceled)
                    {
                        // The service wants this connection closed while it waits on a client that does not read.
                        // Our FIN would queue behind data the client never takes, holding the socket: abort instead.
                        connection.Abort(new ConnectionAbortedException("Closed by the service while the client was not reading."));
                        session.End(session.RequestedCloseReason ?? CloseReason.ServerShutdown);
                        return;
                    }
                }
                else
                {
                    input.AdvanceTo(buffer.End);
                }

                if (reachedByteLimit)
                {
                    session.End(CloseReason.ByteLimit);
                    return;
                }

                if (result.IsCanceled)
                {
                    session.End(session.RequestedCloseReason ?? CloseReason.ServerShutdown);
                    return;
                }

                if (result.IsCompleted)
                {
                    session.OnClientFin(timeProvider.GetTimestamp());
                    session.End(CloseReason.ClientClosed);
                    return;
                }
            }
        }
        finally
        {
            session.OnServerClosing(timeProvider.GetTimestamp());
            await input.CompleteAsync();

            // Last, because completing the output is what sends our FIN.
            await output.CompleteAsync();
        }
    }

    /// <summary>
    /// A flush that does not complete at once waits for the client to take its echo: the session shows since when,
    /// so the sweeper can close a client that never does (<see cref="EchoOptions.SlowReaderTimeout"/>).
    /// </summary>
    private ValueTask<FlushResult> FlushAsync(PipeWriter output, EchoSession session)
    {
        var flush = output.FlushAsync();
        return flush.IsCompleted ? flush : AwaitBlockedAsync(flush, session);
    }

    private async ValueTask<FlushResult> AwaitBlockedAsync(ValueTask<FlushResult> flush, EchoSession session)
    {
        session.OnEchoBlocked(timeProvider.GetTimestamp());
        try
        {
            return await flush;
        }
        finally
        {
            session.OnEchoUnblocked();
        }
    }
}
