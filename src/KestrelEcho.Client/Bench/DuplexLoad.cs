using System.Diagnostics;
using System.Threading.Channels;
using KestrelEcho.Client.Cli;
using KestrelEcho.Client.Connections;

namespace KestrelEcho.Client.Bench;

/// <summary>
/// The load of pingpong and stream on one connection: a writer sends the pattern one unit (a message, a write)
/// at a time while at most <see cref="BenchSettings.Depth"/> units are unechoed; a reader checks every echoed
/// byte against the pattern and times each unit from its send to the arrival of its last byte.
/// </summary>
internal sealed class DuplexLoad(BenchRun run, BenchWindow window, EchoConnection connection, int number, IEchoPattern pattern)
{
    private const int ReadBufferSize = 64 * 1024;

    /// <summary>Opens every connection, loads them all until the window is over, and measures.</summary>
    public static async Task<BenchResult> RunAsync(BenchRun run, Func<int, IEchoPattern> patternFor, string latencyOf, CancellationToken cancellationToken)
    {
        var connections = new EchoConnection?[run.Settings.Connections];
        try
        {
            await run.OpenAsync(connections, timeConnects: false, cancellationToken);
            var window = run.StartWindow(run.Settings.Warmup, "measuring");
            var loads = connections
                .Select((connection, index) => connection is null ? null : new DuplexLoad(run, window, connection, index + 1, patternFor(index + 1)))
                .OfType<DuplexLoad>()
                .Select(load => (Func<CancellationToken, Task>)load.RunAsync);
            await BenchRun.RunWorkersAsync(loads, cancellationToken);

            var echoed = run.Latency.Count;
            return run.Result(window.Measured, echoed, echoed * run.Settings.Size, latencyOf) with
            {
                ConnectionsOpened = connections.Count(connection => connection is not null),
            };
        }
        finally
        {
            await run.CloseAllAsync(connections);
        }
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        using var credits = new SemaphoreSlim(run.Settings.Depth);
        var sentAt = Channel.CreateUnbounded<long>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var writer = WriteAsync(credits, sentAt.Writer, stop.Token);
        try
        {
            await ReadAsync(credits, sentAt.Reader, stop.Token);
        }
        finally
        {
            await stop.CancelAsync();
            await writer;
        }
    }

    private async Task WriteAsync(SemaphoreSlim credits, ChannelWriter<long> sentAt, CancellationToken cancellationToken)
    {
        var unit = new byte[pattern.UnitSize];
        var lastSent = long.MinValue;
        try
        {
            // Past the end only until one unit of this connection counts: a machine too slow to let every
            // connection send in the measured time must not turn into a result that verified nothing.
            for (long offset = 0; !window.IsOver || !window.Measures(lastSent); offset += unit.Length)
            {
                await credits.WaitAsync(cancellationToken);
                pattern.Fill(offset, unit);
                lastSent = Stopwatch.GetTimestamp();
                sentAt.TryWrite(lastSent);
                await connection.Stream.WriteAsync(unit, cancellationToken);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException)
        {
            // The run is stopping, or the connection broke, which the reader notices and reports.
        }
        finally
        {
            sentAt.TryComplete();
        }
    }

    private async Task ReadAsync(SemaphoreSlim credits, ChannelReader<long> sentAt, CancellationToken cancellationToken)
    {
        var received = new byte[ReadBufferSize];
        var expected = new byte[ReadBufferSize];
        long verified = 0;
        long sent = 0;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            await foreach (var sentTimestamp in sentAt.ReadAllAsync(cancellationToken))
            {
                sent += pattern.UnitSize;
                while (verified < sent)
                {
                    // Bytes past this unit belong to later ones, already sent: reading them early is fine.
                    timeout.CancelAfter(run.Target.Timeout);
                    var read = await connection.Stream.ReadAsync(received, timeout.Token);
                    if (read == 0)
                    {
                        run.Counters.Error($"closed after {verified} of {sent} bytes (connection {number})");
                        return;
                    }

                    Verify(verified, received.AsSpan(0, read), expected);
                    verified += read;
                }

                var echoedTimestamp = Stopwatch.GetTimestamp();
                run.Counters.Echoed(pattern.UnitSize);
                if (window.Measures(sentTimestamp))
                {
                    run.Latency.Record(sentTimestamp, echoedTimestamp);
                }

                credits.Release();
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            run.Counters.Error($"timeout: {sent - verified} bytes not echoed within {TimeSpanText.Seconds(run.Target.Timeout)} (connection {number})");
        }
        catch (OperationCanceledException)
        {
            // Another connection failed, or the user stopped the run: that is the story, not this connection.
        }
        catch (IOException)
        {
            run.Counters.Error($"connection reset after {verified} bytes echoed (connection {number})");
        }
    }

    private void Verify(long offset, ReadOnlySpan<byte> received, Span<byte> expected)
    {
        expected = expected[..received.Length];
        pattern.Fill(offset, expected);
        var same = expected.CommonPrefixLength(received);
        if (same < received.Length)
        {
            throw new BenchFailure(pattern.Mismatch(offset + same, expected[same], received[same]));
        }
    }
}
