namespace KestrelEcho.Client.Bench;

/// <summary>
/// A benchmark run: <see cref="Connections"/> (workers for churn), the message or write <see cref="Size"/>,
/// <see cref="Depth"/> messages or writes in flight per connection, and a <see cref="Warmup"/> (not measured)
/// followed by the measured <see cref="Duration"/>.
/// </summary>
internal sealed record BenchSettings(BenchMode Mode, int Connections, int Size, int Depth, TimeSpan Duration, TimeSpan Warmup)
{
    /// <summary><c>bench --udp</c>: pingpong over UDP datagrams instead of TCP connections.</summary>
    public bool Udp { get; init; }

    /// <summary>With <see cref="Udp"/>: how long a datagram's reply is waited for before it counts as lost.</summary>
    public TimeSpan DatagramTimeout { get; init; }

    public string ModeName => Mode.ToString().ToLowerInvariant();
}
