using System.Diagnostics;
using KestrelEcho.Client.Cli;
using KestrelEcho.Client.Connections;
using KestrelEcho.Client.Exchange;

namespace KestrelEcho.Client.Bench;

/// <summary>
/// idle: opens <see cref="BenchSettings.Connections"/> connections, holds them silent for the duration (no
/// warm-up: the hold starts once all are open), then checks each still echoes one small message. Measures how
/// fast they opened, each connect's latency, how many were held and how many were still alive.
/// </summary>
internal sealed class IdleBenchmark(BenchRun run) : IBenchmark
{
    private const int CheckSize = 8;

    public async Task<BenchResult> RunAsync(CancellationToken cancellationToken)
    {
        var connections = new EchoConnection?[run.Settings.Connections];
        try
        {
            run.EnterPhase("opening");
            var opening = Stopwatch.GetTimestamp();
            await run.OpenAsync(connections, timeConnects: true, cancellationToken);
            var openedIn = Stopwatch.GetElapsedTime(opening);
            var held = connections.Count(connection => connection is not null);

            var window = run.StartWindow(TimeSpan.Zero, "holding");
            await window.WaitUntilOverAsync(cancellationToken);
            var measured = window.Measured;

            run.EnterPhase("checking");
            var alive = 0;
            await BenchRun.RunWorkersAsync(
                connections.Select((connection, index) => (connection, number: index + 1))
                    .Where(slot => slot.connection is not null)
                    .Select(slot => (Func<CancellationToken, Task>)(async token =>
                    {
                        if (await IsAliveAsync(slot.connection!, slot.number, token))
                        {
                            Interlocked.Increment(ref alive);
                        }
                    })),
                cancellationToken);

            return run.Result(measured, alive, (long)alive * CheckSize, "connect") with
            {
                ConnectionsOpened = held,
                ConnectionsPerSecond = openedIn > TimeSpan.Zero ? held / openedIn.TotalSeconds : 0,
                Held = held,
                Alive = alive,
            };
        }
        finally
        {
            await run.CloseAllAsync(connections);
        }
    }

    private async Task<bool> IsAliveAsync(EchoConnection connection, int number, CancellationToken cancellationToken)
    {
        var message = new byte[CheckSize];
        new SequencedMessages(CheckSize, number).Fill(0, message);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(run.Target.Timeout);
        var result = await EchoExchange.RunAsync(connection.Stream, message, timeout.Token);
        switch (result.Outcome)
        {
            case ExchangeOutcome.Exact:
                run.Counters.Echoed(CheckSize);
                return true;
            case ExchangeOutcome.Mismatch:
                throw new BenchFailure($"{result.Failure} (connection {number})");
            case ExchangeOutcome.Cancelled when cancellationToken.IsCancellationRequested:
                return false;
            case ExchangeOutcome.Cancelled:
                run.Counters.Error($"timeout: held connection not echoing within {TimeSpanText.Seconds(run.Target.Timeout)} (connection {number})");
                return false;
            default:
                run.Counters.Error($"held connection lost: {result.Failure} (connection {number})");
                return false;
        }
    }
}
