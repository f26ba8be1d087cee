namespace KestrelEcho.Listeners;

/// <summary>
/// A listener's impairments, immutable: <c>PUT /listeners/{name}</c> swaps the whole object, and an open connection's
/// echo reads the current one per chunk (delay, jitter, rate, chunk size), so it never sees half a change.
/// </summary>
internal sealed record ListenerImpairments(
    TimeSpan Delay,
    TimeSpan Jitter,
    long BytesPerSecond,
    long CloseAfterBytes,
    long ResetAfterBytes,
    double ResetOnAcceptProbability,
    int ChunkSize)
{
    /// <summary>A delay beyond this is a mistake (milliseconds meant as seconds), not a test.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(10);

    /// <summary>Larger pieces are not a drip; the read buffer holds 64 KiB.</summary>
    public const int MaxChunkSize = 65_536;

    public static ListenerImpairments None { get; } = new(TimeSpan.Zero, TimeSpan.Zero, 0, 0, 0, 0, 0);

    public bool IsNone => this == None;

    /// <summary>Reports each invalid field by its name (<c>Delay</c>, …) and why, for the configuration and the API alike.</summary>
    public void Validate(ListenerMode mode, Action<string, string> fail)
    {
        if (Delay < TimeSpan.Zero || Delay > MaxDelay)
        {
            fail(nameof(Delay), $"must be a time span between 00:00:00 and {MaxDelay}; got {Delay}.");
        }

        if (Jitter < TimeSpan.Zero || Jitter > Delay)
        {
            fail(nameof(Jitter), $"must be a time span between 00:00:00 and the Delay ({Delay}): a chunk is never due before it arrived; got {Jitter}.");
        }

        if (BytesPerSecond < 0)
        {
            fail(nameof(BytesPerSecond), $"must be 0 (unthrottled) or more; got {BytesPerSecond}.");
        }

        if (CloseAfterBytes < 0)
        {
            fail(nameof(CloseAfterBytes), $"must be 0 (off) or more; got {CloseAfterBytes}.");
        }

        if (ResetAfterBytes < 0)
        {
            fail(nameof(ResetAfterBytes), $"must be 0 (off) or more; got {ResetAfterBytes}.");
        }
        else if (ResetAfterBytes > 0 && CloseAfterBytes > 0)
        {
            fail(nameof(ResetAfterBytes), $"cannot be set with CloseAfterBytes: a connection ends once, by FIN or by RST.");
        }

        if (double.IsNaN(ResetOnAcceptProbability) || ResetOnAcceptProbability is < 0 or > 1)
        {
            fail(nameof(ResetOnAcceptProbability), $"must be between 0 and 1; got {ResetOnAcceptProbability}.");
        }

        if (ChunkSize is < 0 or > MaxChunkSize)
        {
            fail(nameof(ChunkSize), $"must be 0 (off) or between 1 and {MaxChunkSize}; got {ChunkSize}.");
        }

        if (mode is ListenerMode.Discard or ListenerMode.BlackHole && !IsNone)
        {
            fail("Mode", $"{mode} sends nothing, so it takes no impairments: set them only with Echo or WhoAmI.");
        }
    }
}
