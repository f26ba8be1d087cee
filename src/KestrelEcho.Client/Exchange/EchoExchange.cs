using System.Diagnostics;

namespace KestrelEcho.Client.Exchange;

/// <summary>
/// One exchange over a stream: send a payload and read exactly as many bytes back, comparing each as it arrives.
/// Sending and reading run at once, so a payload larger than the socket buffers cannot deadlock against a
/// server that stops reading while its echo goes unread.
/// </summary>
internal static class EchoExchange
{
    private const int ReadChunk = 64 * 1024;

    /// <summary>
    /// Runs the exchange. <paramref name="receiveBuffer"/>, when given, must hold the payload's length; a
    /// benchmark passes one so each message allocates nothing.
    /// </summary>
    public static async Task<ExchangeResult> RunAsync(
        Stream stream,
        ReadOnlyMemory<byte> payload,
        CancellationToken cancellationToken,
        Memory<byte> receiveBuffer = default)
    {
        var received = receiveBuffer.IsEmpty ? new byte[payload.Length] : receiveBuffer[..payload.Length];
        var started = Stopwatch.GetTimestamp();
        using var sending = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var send = SendAsync(stream, payload, sending.Token);

        var result = await ReceiveAsync(stream, payload, received, started, cancellationToken);
        if (result.Outcome != ExchangeOutcome.Exact)
        {
            // A wrong or short echo ends the exchange; the rest of a large payload need not be sent.
            await sending.CancelAsync();
        }

        try
        {
            await send;
        }
        catch (Exception exception) when (result.Outcome != ExchangeOutcome.Exact && exception is OperationCanceledException or IOException)
        {
            // The failure already found is the one worth reporting.
        }

        return result;
    }

    private static async Task SendAsync(Stream stream, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(payload, cancellationToken);
        await stream.FlushAsync(cancellationToken);
    }

    private static async Task<ExchangeResult> ReceiveAsync(
        Stream stream,
        ReadOnlyMemory<byte> payload,
        Memory<byte> received,
        long started,
        CancellationToken cancellationToken)
    {
        var count = 0;
        try
        {
            while (count < payload.Length)
            {
                var read = await stream.ReadAsync(received.Slice(count, Math.Min(ReadChunk, payload.Length - count)), cancellationToken);
                if (read == 0)
                {
                    return new ExchangeResult(ExchangeOutcome.Closed, payload.Length, received[..count], 0, Stopwatch.GetElapsedTime(started));
                }

                var same = payload.Span.Slice(count, read).CommonPrefixLength(received.Span.Slice(count, read));
                if (same < read)
                {
                    var offset = count + same;
                    return new ExchangeResult(ExchangeOutcome.Mismatch, payload.Length, received[..(offset + 1)], offset, Stopwatch.GetElapsedTime(started))
                    {
                        SentAtMismatch = payload.Span[offset],
                    };
                }

                count += read;
            }
        }
        catch (OperationCanceledException)
        {
            return new ExchangeResult(ExchangeOutcome.Cancelled, payload.Length, received[..count], 0, Stopwatch.GetElapsedTime(started));
        }
        catch (IOException)
        {
            // A reset mid-echo: as far as the echo goes, the server closed early.
            return new ExchangeResult(ExchangeOutcome.Closed, payload.Length, received[..count], 0, Stopwatch.GetElapsedTime(started));
        }

        return new ExchangeResult(ExchangeOutcome.Exact, payload.Length, received, 0, Stopwatch.GetElapsedTime(started));
    }
}
