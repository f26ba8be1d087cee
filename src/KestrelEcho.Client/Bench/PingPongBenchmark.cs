using System.Buffers.Binary;
using System.Diagnostics;
using HdrHistogram;
using KestrelEcho.Client.Connections;
using KestrelEcho.Client.Exchange;

namespace KestrelEcho.Client.Bench;

/// <summary>
/// Ping-pong over N connections, every echoed byte verified. Each message starts with its sequence number, so
/// a server that replays an earlier message is caught as well as one that corrupts bytes.
/// </summary>
internal sealed class PingPongBenchmark(EchoTarget target, PingPongSettings settings)
{
    /// <summary>One minute in nanoseconds: a round trip slower than that is recorded as one minute.</summary>
    private const long HighestTrackableNanoseconds = 60_000_000_000;

    private long _messages;

    /// <summary>Messages echoed so far, warm-up included; for a progress display.</summary>
    public long MessagesSoFar => Interlocked.Read(ref _messages);

    public async Task<BenchResult> RunAsync(CancellationToken cancellationToken)
    {
        var connections = new List<EchoConnection>(settings.Connections);
        try
        {
            for (var i = 0; i < settings.Connections; i++)
            {
                using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                connectTimeout.CancelAfter(target.Timeout);
                try
                {
                    connections.Add(await EchoConnector.ConnectAsync(target, connectTimeout.Token));
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new EchoClientException($"timeout: no connection to {target} within {target.Timeout.TotalSeconds} s");
                }
            }

            var measureFrom = Stopwatch.GetTimestamp() + (long)(settings.Warmup.TotalSeconds * Stopwatch.Frequency);
            var stopAt = measureFrom + (long)(settings.Duration.TotalSeconds * Stopwatch.Frequency);
            using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var workers = connections.Select((connection, index) => RunConnectionAsync(connection, index, measureFrom, stopAt, failed)).ToArray();
            var histograms = await Task.WhenAll(workers);

            var total = new LongHistogram(HighestTrackableNanoseconds, 3);
            foreach (var histogram in histograms)
            {
                total.Add(histogram);
            }

            return new BenchResult(settings, total.TotalCount, Stopwatch.GetElapsedTime(measureFrom), total);
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }
    }

    private async Task<LongHistogram> RunConnectionAsync(EchoConnection connection, int index, long measureFrom, long stopAt, CancellationTokenSource failed)
    {
        // Off the caller's thread at once, so N connections start together rather than one by one.
        await Task.Yield();
        var histogram = new LongHistogram(HighestTrackableNanoseconds, 3);
        var payload = new byte[settings.MessageSize];
        Random.Shared.NextBytes(payload);
        var receiveBuffer = new byte[settings.MessageSize];
        var nanosecondsPerTick = 1_000_000_000.0 / Stopwatch.Frequency;
        long sequence = 0;
        try
        {
            while (Stopwatch.GetTimestamp() < stopAt)
            {
                sequence++;
                if (payload.Length >= sizeof(long))
                {
                    BinaryPrimitives.WriteInt64LittleEndian(payload, sequence);
                }

                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(failed.Token);
                timeout.CancelAfter(target.Timeout);
                var started = Stopwatch.GetTimestamp();
                var result = await EchoExchange.RunAsync(connection.Stream, payload, timeout.Token, receiveBuffer);
                var finished = Stopwatch.GetTimestamp();
                if (result.Outcome == ExchangeOutcome.Cancelled && failed.IsCancellationRequested)
                {
                    // Another connection failed or the user stopped the run; that is the story, not this message.
                    break;
                }

                if (!result.IsExact)
                {
                    var why = result.Outcome == ExchangeOutcome.Cancelled
                        ? $"timeout: not echoed within {target.Timeout.TotalSeconds} s"
                        : result.Failure;
                    throw new BenchFailure($"{why} (connection {index + 1}, message {sequence})");
                }

                Interlocked.Increment(ref _messages);
                if (started >= measureFrom)
                {
                    histogram.RecordValue(Math.Min(HighestTrackableNanoseconds, (long)((finished - started) * nanosecondsPerTick)));
                }
            }
        }
        catch
        {
            await failed.CancelAsync();
            throw;
        }

        return histogram;
    }
}
