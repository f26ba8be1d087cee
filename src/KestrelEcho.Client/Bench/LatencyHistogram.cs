using System.Diagnostics;
using HdrHistogram;

namespace KestrelEcho.Client.Bench;

/// <summary>
/// Latencies in nanoseconds, three significant digits, from every worker at once: one concurrent HdrHistogram
/// per run rather than one per connection, which at about 200 KB each would cost 2 GB for 10,000 connections.
/// </summary>
internal sealed class LatencyHistogram
{
    /// <summary>One minute: anything slower is recorded as one minute.</summary>
    private const long HighestTrackableNanoseconds = 60_000_000_000;

    private static readonly double s_nanosecondsPerTick = 1_000_000_000.0 / Stopwatch.Frequency;

    private readonly LongConcurrentHistogram _histogram = new(1, HighestTrackableNanoseconds, 3);

    public long Count => _histogram.TotalCount;

    public void Record(long startedTimestamp, long finishedTimestamp)
    {
        var nanoseconds = (long)((finishedTimestamp - startedTimestamp) * s_nanosecondsPerTick);
        _histogram.RecordValue(Math.Clamp(nanoseconds, 1, HighestTrackableNanoseconds));
    }

    /// <summary>Zero when nothing was recorded.</summary>
    public double Microseconds(double percentile) => Count == 0 ? 0 : _histogram.GetValueAtPercentile(percentile) / 1000.0;

    public double MaxMicroseconds => Count == 0 ? 0 : _histogram.GetMaxValue() / 1000.0;
}
