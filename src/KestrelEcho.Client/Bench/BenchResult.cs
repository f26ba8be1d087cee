using HdrHistogram;

namespace KestrelEcho.Client.Bench;

/// <summary>
/// What a measured window saw: messages echoed and verified, and their round trips in nanoseconds.
/// </summary>
internal sealed record BenchResult(PingPongSettings Settings, long Messages, TimeSpan Elapsed, HistogramBase LatencyNanoseconds)
{
    public double MessagesPerSecond => Messages / Elapsed.TotalSeconds;

    /// <summary>Payload echoed per second, each way.</summary>
    public double MebibytesPerSecond => MessagesPerSecond * Settings.MessageSize / (1024.0 * 1024.0);

    public long VerifiedBytes => Messages * Settings.MessageSize;

    public double LatencyMicroseconds(double percentile) => LatencyNanoseconds.GetValueAtPercentile(percentile) / 1000.0;

    public double MaxLatencyMicroseconds => LatencyNanoseconds.GetMaxValue() / 1000.0;
}
