namespace KestrelEcho.Listeners;

/// <summary>
/// A listener's connections since start: open now, accepted (refused ones included), closed by reason (only the
/// reasons that happened), and the bytes of closed and open connections together.
/// </summary>
internal sealed record ListenerCountersView(
    long Active,
    long Accepted,
    long Closed,
    long Refused,
    long BytesReceived,
    long BytesSent,
    Dictionary<string, long> ClosedByReason);
