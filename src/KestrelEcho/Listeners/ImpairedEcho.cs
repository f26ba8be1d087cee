using System.Buffers;
using System.IO.Pipelines;
using System.Threading.Channels;
using KestrelEcho.Connections;
using KestrelEcho.Echo;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace KestrelEcho.Listeners;

/// <summary>
/// One connection's echo with a listener's impairments. Reading and echoing are two loops joined by a bounded queue of
/// chunks: reading goes on while chunks wait out their delay, the echo sends them strictly in order (a chunk is never
/// due before the one ahead of it), and a client that sends faster than the echo goes stops being read once
/// <see cref="MaxQueuedBytes"/> wait, as the plain echo stops once its flush waits.
/// </summary>
internal sealed class ImpairedEcho(
    ConnectionContext connection,
    EchoSession session,
    Listener listener,
    ListenerImpairments atAccept,
    TimeProvider timeProvider,
    CancellationToken wake)
{
    public const int ChunkBytes = 16_384;
    public const int MaxQueuedBytes = 1_048_576;

    private readonly Channel<EchoChunk> _queue = Channel.CreateBounded<EchoChunk>(
        new BoundedChannelOptions(MaxQueuedBytes / ChunkBytes) { SingleReader = true, SingleWriter = true });

    private readonly TokenBucket _bucket = new(timeProvider);
    private long _lastDue;

    /// <summary>How the echo loop ended.</summary>
    private enum EchoEnd
    {
        Drained,
        ClientGone,
        Woken,
    }

    public async Task<CloseReason> RunAsync()
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(wake);
        var echo = EchoAsync(stop);
        CloseReason readEnd;
        try
        {
            readEnd = await ReadAsync(stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The service asked the connection to close, or the echo ended (the client is gone) while we waited for room.
            readEnd = session.RequestedCloseReason ?? CloseReason.ClientReset;
        }
        catch
        {
            // The client reset the connection: the echo loop must not outlive it.
            await stop.CancelAsync();
            _queue.Writer.TryComplete();
            await echo;
            throw;
        }

        var woken = readEnd is not (CloseReason.ClientClosed or CloseReason.InjectedClose or CloseReason.InjectedReset);
        if (woken)
        {
            await stop.CancelAsync();
        }

        _queue.Writer.TryComplete();
        var echoEnd = await echo;
        if (echoEnd == EchoEnd.ClientGone)
        {
            return CloseReason.ClientReset;
        }

        if (woken || echoEnd == EchoEnd.Woken)
        {
            // As in the plain echo: our FIN would queue behind echo the client does not take. Drop the connection.
            connection.Abort(new ConnectionAbortedException("Closed by the service while the echo was impaired."));
            return session.RequestedCloseReason ?? readEnd;
        }

        if (readEnd == CloseReason.InjectedReset)
        {
            await ResetAsync();
        }

        return readEnd;
    }

    private async Task<CloseReason> ReadAsync(CancellationToken cancellationToken)
    {
        var input = connection.Transport.Input;
        var limit = atAccept.CloseAfterBytes > 0 ? atAccept.CloseAfterBytes
            : atAccept.ResetAfterBytes > 0 ? atAccept.ResetAfterBytes
            : long.MaxValue;
        long taken = 0;
        while (true)
        {
            // Not the queue's token: a close request cancels this read itself, and the read must see the client's tail.
            var result = await input.ReadAsync(CancellationToken.None);
            var buffer = result.Buffer;
            var received = buffer.Length;
            if (received > 0)
            {
                var now = timeProvider.GetTimestamp();
                var echo = buffer.Slice(0, Math.Min(received, limit - taken));
                await QueueAsync(echo, now, cancellationToken);
                taken += echo.Length;
                input.AdvanceTo(buffer.End);
                session.OnReceived(received, timeProvider);
            }
            else
            {
                input.AdvanceTo(buffer.End);
            }

            if (taken == limit)
            {
                // What the client sent past the limit is dropped with the connection.
                return atAccept.CloseAfterBytes > 0 ? CloseReason.InjectedClose : CloseReason.InjectedReset;
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

    /// <summary>Copies <paramref name="echo"/> into chunks, each due after the listener's current delay and jitter, never before the last.</summary>
    private async ValueTask QueueAsync(ReadOnlySequence<byte> echo, long receivedAt, CancellationToken cancellationToken)
    {
        var impairments = listener.Impairments;
        while (!echo.IsEmpty)
        {
            var length = (int)Math.Min(echo.Length, ChunkBytes);
            var chunk = ArrayPool<byte>.Shared.Rent(length);
            echo.Slice(0, length).CopyTo(chunk);
            echo = echo.Slice(length);
            _lastDue = Math.Max(_lastDue, receivedAt + Ticks(Delay(impairments)));
            try
            {
                await _queue.Writer.WriteAsync(new EchoChunk(chunk, length, _lastDue), cancellationToken);
            }
            catch
            {
                ArrayPool<byte>.Shared.Return(chunk);
                throw;
            }
        }
    }

    private async Task<EchoEnd> EchoAsync(CancellationTokenSource stop)
    {
        // Yields first, so reading starts at once on this connection's thread.
        await Task.Yield();
        var output = connection.Transport.Output;
        var cancellationToken = stop.Token;
        var end = EchoEnd.Woken;
        try
        {
            while (await _queue.Reader.WaitToReadAsync(cancellationToken))
            {
                while (_queue.Reader.TryRead(out var chunk))
                {
                    try
                    {
                        await WaitUntilAsync(chunk.DueTimestamp, cancellationToken);
                        if (await SendAsync(output, chunk.Buffer.AsMemory(0, chunk.Length), cancellationToken) is { } early)
                        {
                            end = early;
                            return end;
                        }
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(chunk.Buffer);
                    }
                }
            }

            end = EchoEnd.Drained;
            return end;
        }
        catch (OperationCanceledException)
        {
            return EchoEnd.Woken;
        }
        finally
        {
            if (end != EchoEnd.Drained)
            {
                // Wakes the reading loop if it waits for room in the queue.
                await stop.CancelAsync();
            }


            while (_queue.Reader.TryRead(out var left))
            {
                ArrayPool<byte>.Shared.Return(left.Buffer);
            }
        }
    }

    /// <summary>Writes <paramref name="bytes"/> in pieces of the current chunk size and rate, each flushed on its own; null when all went.</summary>
    private async ValueTask<EchoEnd?> SendAsync(PipeWriter output, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        while (!bytes.IsEmpty)
        {
            var impairments = listener.Impairments;
            var piece = bytes.Length;
            if (impairments.ChunkSize > 0)
            {
                piece = Math.Min(piece, impairments.ChunkSize);
            }

            if (impairments.BytesPerSecond > 0)
            {
                piece = Math.Min(piece, TokenBucket.Burst(impairments.BytesPerSecond));
                await _bucket.TakeAsync(piece, impairments.BytesPerSecond, cancellationToken);
            }

            output.Write(bytes.Span[..piece]);
            bytes = bytes[piece..];
            var flush = await FlushAsync(output);
            if (flush.IsCompleted)
            {
                return EchoEnd.ClientGone;
            }

            session.OnSent(piece);
            if (flush.IsCanceled)
            {
                return EchoEnd.Woken;
            }
        }

        return null;
    }

    private async ValueTask<FlushResult> FlushAsync(PipeWriter output)
    {
        var flush = output.FlushAsync();
        if (flush.IsCompleted)
        {
            return flush.Result;
        }

        // As the plain echo: the sweeper closes a client that never takes its echo (Echo:SlowReaderTimeout).
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

    /// <summary>Timers may fire a little before the timestamp they were set for: waits again until it has passed.</summary>
    private async ValueTask WaitUntilAsync(long due, CancellationToken cancellationToken)
    {
        for (var now = timeProvider.GetTimestamp(); now < due; now = timeProvider.GetTimestamp())
        {
            var wait = timeProvider.GetElapsedTime(now, due);
            await Task.Delay(wait < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : wait, timeProvider, cancellationToken);
        }
    }

    /// <summary>RST once the client has acknowledged every byte echoed, so it gets exactly ResetAfterBytes before the reset.</summary>
    private async Task ResetAsync()
    {
        if (connection.Features.Get<IConnectionSocketFeature>()?.Socket is { } socket)
        {
            var plaintext = session.Transport == ConnectionTransport.Tcp ? session.BytesSent : 0;
            try
            {
                await TcpAcknowledgements.WaitAsync(socket, plaintext, timeProvider, wake);
            }
            catch (OperationCanceledException)
            {
                // Closing anyway: reset now.
            }
        }

        SocketReset.Reset(connection, CloseReason.InjectedReset);
    }

    private static TimeSpan Delay(ListenerImpairments impairments)
    {
        if (impairments.Jitter <= TimeSpan.Zero)
        {
            return impairments.Delay;
        }

        var delay = impairments.Delay + (impairments.Jitter * ((Random.Shared.NextDouble() * 2) - 1));
        return delay < TimeSpan.Zero ? TimeSpan.Zero : delay;
    }

    private long Ticks(TimeSpan delay) => (long)(delay.TotalSeconds * timeProvider.TimestampFrequency);
}
