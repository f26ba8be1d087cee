namespace KestrelEcho.Client.Exchange;

/// <summary>
/// What one exchange saw. <see cref="Received"/> is what came back (up to the mismatch, inclusive);
/// <see cref="MismatchOffset"/> is meaningful only for <see cref="ExchangeOutcome.Mismatch"/>.
/// </summary>
internal sealed record ExchangeResult(
    ExchangeOutcome Outcome,
    int Expected,
    ReadOnlyMemory<byte> Received,
    int MismatchOffset,
    TimeSpan RoundTrip)
{
    public bool IsExact => Outcome == ExchangeOutcome.Exact;

    /// <summary>Why the echo was not exact, worded for the one error line; null when it was.</summary>
    public string? Failure => Outcome switch
    {
        ExchangeOutcome.Exact => null,
        ExchangeOutcome.Mismatch => EchoComparison.Mismatch(MismatchOffset, SentAtMismatch, Received.Span[MismatchOffset]),
        ExchangeOutcome.Closed => EchoComparison.Short(Received.Length, Expected),
        _ => $"cancelled after {Received.Length} of {Expected} bytes",
    };

    /// <summary>The byte that should have come back at the mismatch; set by the exchange that found it.</summary>
    public byte SentAtMismatch { get; init; }
}
