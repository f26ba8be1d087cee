using System.Diagnostics;
using KestrelEcho.Client.Cli;
using KestrelEcho.Client.Connections;
using KestrelEcho.Client.Exchange;

namespace KestrelEcho.Client.Bench;

/// <summary>
/// churn: <see cref="BenchSettings.Connections"/> workers each connect, exchange one message, half-close and
/// wait for the service's close (so an extra byte would be caught), then start again, until the duration is over.
/// Measures connections per second and the latency of connect plus exchange.
/// </summary>
internal sealed class ChurnBenchmark(BenchRun run) : IBenchmark
{
    private long _connections;

    public async Task<BenchResult> RunAsync(CancellationToken cancellationToken)
    {
        var window = run.StartWindow(run.Settings.Warmup, "measuring");
        await BenchRun.RunWorkersAsync(
            Enumerable.Range(1, run.Settings.Connections).Select(worker => (Func<CancellationToken, Task>)(token => ChurnAsync(worker, window, token))),
            cancellationToken);

        var completed = run.Latency.Count;
        var result = run.Result(window.Measured, completed, completed * run.Settings.Size, "connect and exchange");
        return result with { ConnectionsOpened = completed, ConnectionsPerSecond = result.PerMeasuredSecond(completed) };
    }

    private async Task ChurnAsync(int worker, BenchWindow window, CancellationToken cancellationToken)
    {
        var messages = new SequencedMessages(run.Settings.Size, worker);
        var message = new byte[run.Settings.Size];
        var receiveBuffer = new byte[run.Settings.Size];
        var started = long.MinValue;

        // Past the end only until one connection of this worker started in the measured time, as DuplexLoad does.
        while ((!window.IsOver || !window.Measures(started)) && !cancellationToken.IsCancellationRequested)
        {
            var number = Interlocked.Increment(ref _connections);
            started = Stopwatch.GetTimestamp();
            var connection = await run.ConnectAsync(number, cancellationToken);
            if (connection is null)
            {
                continue;
            }

            try
            {
                // The message's sequence number is the connection's: an echo from another connection is caught.
                messages.Fill((number - 1) * message.Length, message);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(run.Target.Timeout);
                var result = await EchoExchange.RunAsync(connection.Stream, message, timeout.Token, receiveBuffer);
                var exchanged = Stopwatch.GetTimestamp();
                if (Judge(result.Outcome, result.Failure, number, cancellationToken) && await ClosesCleanlyAsync(connection, number, timeout.Token, cancellationToken))
                {
                    run.Counters.Echoed(message.Length);
                    if (window.Measures(started))
                    {
                        run.Latency.Record(started, exchanged);
                    }
                }
            }
            finally
            {
                await run.CloseAsync(connection);
            }
        }
    }

    private bool Judge(ExchangeOutcome outcome, string? failure, long number, CancellationToken cancellationToken)
    {
        switch (outcome)
        {
            case ExchangeOutcome.Exact:
                return true;
            case ExchangeOutcome.Mismatch:
                throw new BenchFailure($"{failure} (connection {number})");
            case ExchangeOutcome.Cancelled when cancellationToken.IsCancellationRequested:
                return false;
            case ExchangeOutcome.Cancelled:
                run.Counters.Error($"timeout: not echoed within {TimeSpanText.Seconds(run.Target.Timeout)} (connection {number})");
                return false;
            default:
                run.Counters.Error($"{failure} (connection {number})");
                return false;
        }
    }

    /// <summary>Half-closes and expects the service's FIN next, with nothing before it.</summary>
    private async Task<bool> ClosesCleanlyAsync(EchoConnection connection, long number, CancellationToken timeout, CancellationToken cancellationToken)
    {
        var extra = new byte[1];
        try
        {
            await connection.CompleteSendingAsync();
            if (await connection.Stream.ReadAsync(extra, timeout) == 0)
            {
                return true;
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            run.Counters.Error($"timeout: the service did not close within {TimeSpanText.Seconds(run.Target.Timeout)} of our FIN (connection {number})");
            return false;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            run.Counters.Error($"connection reset instead of closed (connection {number})");
            return false;
        }

        throw new BenchFailure($"more bytes came back than were sent (connection {number})");
    }
}
