using System.Diagnostics;
using System.Globalization;

namespace KestrelEcho.Client.Bench;

/// <summary>
/// Once a second, on standard error: elapsed time, phase, rates since the last second, open connections and
/// errors. Redrawn in place on a terminal; plain lines otherwise, so a CI log shows the run alive and nothing
/// garbles. Standard output stays for the result alone, so <c>--json</c> output and redirected reports are
/// exactly one document whether or not anyone watches.
/// </summary>
internal sealed class BenchProgress(BenchRun run, TextWriter error, bool live)
{
    public async Task<T> ShowWhileAsync<T>(Func<Task<T>> work, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var drawing = DrawAsync(stop.Token);
        try
        {
            return await work();
        }
        finally
        {
            await stop.CancelAsync();
            await drawing;
        }
    }

    private async Task DrawAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var (lastAt, lastMessages, lastBytes, lastConnects) = (started, 0L, 0L, 0L);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var counters = run.Counters;
                var (now, messages, bytes, connects) = (Stopwatch.GetTimestamp(), counters.Messages, counters.Bytes, counters.Connects);
                var seconds = Stopwatch.GetElapsedTime(lastAt, now).TotalSeconds;
                var line = string.Create(
                    CultureInfo.InvariantCulture,
                    $"{Stopwatch.GetElapsedTime(started, now).TotalSeconds:0} s {run.Phase}: {(messages - lastMessages) / seconds:0} msg/s, {(bytes - lastBytes) / seconds / (1024 * 1024):0.000} MiB/s, {counters.Open} open, {(connects - lastConnects) / seconds:0} connects/s, {counters.Errors} errors");
                await error.WriteAsync(live ? $"\r{line}\x1b[K" : $"{line}\n");
                (lastAt, lastMessages, lastBytes, lastConnects) = (now, messages, bytes, connects);
            }
        }
        catch (OperationCanceledException)
        {
            // The run is over.
        }

        if (live)
        {
            await error.WriteAsync("\r\x1b[K");
        }
    }
}
