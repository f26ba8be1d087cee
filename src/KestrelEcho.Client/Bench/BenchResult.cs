namespace KestrelEcho.Client.Bench;

/// <summary>
/// What a run measured. <see cref="Messages"/> are the messages (writes, for stream; final checks, for idle)
/// sent in the measured window (at least one per connection, even late: see <see cref="DuplexLoad"/>) and echoed
/// exactly, <see cref="VerifiedBytes"/> their bytes; the latencies are of <see cref="LatencyOf"/>. Errors count
/// the whole run, warm-up included.
/// </summary>
internal sealed record BenchResult(
    BenchSettings Settings,
    SourceAddresses Sources,
    TimeSpan Measured,
    long Messages,
    long VerifiedBytes,
    string LatencyOf,
    LatencyHistogram Latency,
    long Errors,
    string? FirstError)
{
    /// <summary>Connections opened (churn: in the measured window).</summary>
    public long ConnectionsOpened { get; init; }

    /// <summary>Churn: connections completed per measured second; idle: how fast they were opened.</summary>
    public double ConnectionsPerSecond { get; init; }

    /// <summary>Idle only: connections opened and held.</summary>
    public int? Held { get; init; }

    /// <summary>Idle only: held connections that still echoed at the end.</summary>
    public int? Alive { get; init; }

    /// <summary>UDP only: datagrams sent, lost and late in the measured window.</summary>
    public UdpLoss? Datagrams { get; init; }

    public double MessagesPerSecond => PerMeasuredSecond(Messages);

    /// <summary>Payload echoed per second, each way.</summary>
    public double MebibytesPerSecond => PerMeasuredSecond(VerifiedBytes) / (1024.0 * 1024.0);

    public double PerMeasuredSecond(double count) => Measured > TimeSpan.Zero ? count / Measured.TotalSeconds : 0;
}
