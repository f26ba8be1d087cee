namespace KestrelEcho.Client.Bench;

/// <summary>What <c>bench</c> loads the echo with; the names are the <c>--mode</c> values in lower case.</summary>
internal enum BenchMode
{
    /// <summary>Messages, each one echoed before its slot is reused: rate and round-trip latency.</summary>
    PingPong,

    /// <summary>A continuous full-duplex byte stream per connection: throughput.</summary>
    Stream,

    /// <summary>Connections opened and held without traffic: how many stay up.</summary>
    Idle,

    /// <summary>Connect, one exchange, close, again and again: connections per second.</summary>
    Churn,
}
