using System.Diagnostics;

namespace KestrelEcho.Client.Bench;

/// <summary>The warm-up and the measured time after it, from the moment the load starts.</summary>
internal sealed class BenchWindow(TimeSpan warmup, TimeSpan duration)
{
    private readonly long _measureFrom = Stopwatch.GetTimestamp() + (long)(warmup.TotalSeconds * Stopwatch.Frequency);

    private long StopAt => _measureFrom + (long)(duration.TotalSeconds * Stopwatch.Frequency);

    public bool IsWarmingUp => Stopwatch.GetTimestamp() < _measureFrom;

    public bool IsOver => Stopwatch.GetTimestamp() >= StopAt;

    /// <summary>Whether something that started at <paramref name="timestamp"/> counts in the result.</summary>
    public bool Measures(long timestamp) => timestamp >= _measureFrom;

    /// <summary>
    /// Measured time so far: zero during the warm-up, at most the duration. Echoes still in flight at the end
    /// are awaited, but nothing sent after it is counted, so neither is that time.
    /// </summary>
    public TimeSpan Measured
    {
        get
        {
            if (IsWarmingUp)
            {
                return TimeSpan.Zero;
            }

            var elapsed = Stopwatch.GetElapsedTime(_measureFrom);
            return elapsed < duration ? elapsed : duration;
        }
    }

    public async Task WaitUntilOverAsync(CancellationToken cancellationToken)
    {
        // Timers may fire up to a tick before the stopwatch says the time is up: wait out what is left.
        TimeSpan remaining;
        while ((remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), StopAt)) > TimeSpan.Zero)
        {
            await Task.Delay(remaining, cancellationToken);
        }
    }
}
