using System.Diagnostics;
using KestrelEcho.Client.Cli;
using KestrelEcho.Client.Connections;

namespace KestrelEcho.Client.Bench;

/// <summary>
/// What every mode shares during a run: where to connect and from which source address, the settings, the
/// running counters and the latency histogram; and the plumbing to open, run and close connections.
/// </summary>
internal sealed class BenchRun
{
    /// <summary>Enough to open 10,000 connections in a second or two without a SYN flood of the target.</summary>
    private const int ConnectsAtOnce = 16;

    private BenchWindow? _window;

    private volatile string _phase = "connecting";

    private BenchRun(EchoTarget target, BenchSettings settings, SourceAddresses sources)
    {
        Target = target;
        Settings = settings;
        Sources = sources;
    }

    public EchoTarget Target { get; }

    public BenchSettings Settings { get; }

    public SourceAddresses Sources { get; }

    public BenchCounters Counters { get; } = new();

    public LatencyHistogram Latency { get; } = new();

    /// <summary>What the run is doing now, for the progress line.</summary>
    public string Phase => _window is { IsWarmingUp: true } ? "warm-up" : _phase;

    /// <summary>Resolves the target once and decides the source addresses (null: automatic).</summary>
    public static async Task<BenchRun> PrepareAsync(EchoTarget target, BenchSettings settings, int? sourceAddresses, CancellationToken cancellationToken)
    {
        var addresses = await EchoConnector.ResolveAsync(target.Host, cancellationToken);
        return new BenchRun(target, settings, SourceAddresses.Plan(sourceAddresses, settings, target.Host, addresses));
    }

    public void EnterPhase(string phase) => _phase = phase;

    /// <summary>Starts the clock: the warm-up, then the measured duration.</summary>
    public BenchWindow StartWindow(TimeSpan warmup, string phase)
    {
        _phase = phase;
        return _window = new BenchWindow(warmup, Settings.Duration);
    }

    /// <summary>Connection <paramref name="number"/> (from 1), or null when it failed; the failure is counted.</summary>
    public async Task<EchoConnection?> ConnectAsync(long number, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Target.Timeout);
        try
        {
            var connection = await EchoConnector.ConnectAsync(Target, Sources.Targets, Sources.For(number - 1), timeout.Token);
            Counters.Connected();
            return connection;
        }
        catch (EchoClientException exception)
        {
            Counters.Error($"{exception.Message} (connection {number})");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Counters.Error($"timeout: no connection to {Target} within {TimeSpanText.Seconds(Target.Timeout)} (connection {number})");
        }

        return null;
    }

    /// <summary>
    /// Fills <paramref name="connections"/>, a few connects at once; a slot stays null when its connect failed.
    /// With <paramref name="timeConnects"/>, each connect's duration goes to <see cref="Latency"/>.
    /// </summary>
    public Task OpenAsync(EchoConnection?[] connections, bool timeConnects, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(
            Enumerable.Range(0, connections.Length),
            new ParallelOptions { MaxDegreeOfParallelism = ConnectsAtOnce, CancellationToken = cancellationToken },
            async (index, token) =>
            {
                var started = Stopwatch.GetTimestamp();
                connections[index] = await ConnectAsync(index + 1, token);
                if (timeConnects && connections[index] is not null)
                {
                    Latency.Record(started, Stopwatch.GetTimestamp());
                }
            });

    public async Task CloseAsync(EchoConnection connection)
    {
        await connection.DisposeAsync();
        Counters.Disconnected();
    }

    public async Task CloseAllAsync(EchoConnection?[] connections)
    {
        foreach (var connection in connections)
        {
            if (connection is not null)
            {
                await CloseAsync(connection);
            }
        }
    }

    /// <summary>Runs the workers together; the first to fail (a wrong byte) stops the others, and its failure is thrown.</summary>
    public static async Task RunWorkersAsync(IEnumerable<Func<CancellationToken, Task>> workers, CancellationToken cancellationToken)
    {
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await Task.WhenAll(workers.Select(async worker =>
        {
            // Off the caller's thread at once, so the workers start together rather than one by one.
            await Task.Yield();
            try
            {
                await worker(failed.Token);
            }
            catch
            {
                await failed.CancelAsync();
                throw;
            }
        }));
        cancellationToken.ThrowIfCancellationRequested();
    }

    public BenchResult Result(TimeSpan measured, long messages, long verifiedBytes, string latencyOf) =>
        new(Settings, Sources, measured, messages, verifiedBytes, latencyOf, Latency, Counters.Errors, Counters.FirstError);
}
