using System.Globalization;

namespace KestrelEcho.Client.Bench;

/// <summary>
/// Once a second, on standard error: elapsed time, <paramref name="phase"/>, rates since the last line, open
/// connections and errors, from <paramref name="counters"/>. Redrawn in place on a terminal; plain lines
/// otherwise, so a CI log shows the run alive and nothing garbles. Standard output stays for the result alone,
/// so <c>--json</c> output and redirected reports are exactly one document whether or not anyone watches.
/// </summary>
/// <remarks>
/// A line's label is the whole seconds elapsed since the start, on <paramref name="timeProvider"/>'s clock, as a
/// reader of a log expects: "7 s" means seven seconds have passed. On a loaded machine a tick may come late, or
/// several may come as one after a stall; the label still tells the true time (a tick handled at 2.6 s reads
/// "2 s"), a stall shows as seconds missing from the log, and the rates cover the whole time since the previous
/// line. A label never repeats: a tick whose second already has its line prints nothing, and its counts go into
/// the next line.
/// </remarks>
internal sealed class BenchProgress(Func<string> phase, BenchCounters counters, TextWriter error, bool live, TimeProvider timeProvider)
{
    private static readonly TimeSpan s_period = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How early a tick may come and still count as its second: a timer keeps coarser time than the clock it is
    /// compared with, and may fire a few milliseconds before that clock says the second is up.
    /// </summary>
    private static readonly TimeSpan s_earlyTick = TimeSpan.FromMilliseconds(50);

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
        var started = timeProvider.GetTimestamp();
        var (lastSecond, lastAt, lastMessages, lastBytes, lastConnects) = (0L, started, 0L, 0L, 0L);
        using var timer = new PeriodicTimer(s_period, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var now = timeProvider.GetTimestamp();
                var second = (long)(timeProvider.GetElapsedTime(started, now) + s_earlyTick).TotalSeconds;
                if (second <= lastSecond)
                {
                    continue;
                }

                var (messages, bytes, connects) = (counters.Messages, counters.Bytes, counters.Connects);
                var seconds = timeProvider.GetElapsedTime(lastAt, now).TotalSeconds;
                var line = string.Create(
                    CultureInfo.InvariantCulture,
                    $"{second} s {phase()}: {(messages - lastMessages) / seconds:0} msg/s, {(bytes - lastBytes) / seconds / (1024 * 1024):0.000} MiB/s, {counters.Open} open, {(connects - lastConnects) / seconds:0} connects/s, {counters.Errors} errors");
                await error.WriteAsync(live ? $"\r{line}\x1b[K" : $"{line}\n");
                (lastSecond, lastAt, lastMessages, lastBytes, lastConnects) = (second, now, messages, bytes, connects);
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
