namespace KestrelEcho.Listeners;

/// <summary>
/// The echo's rate ceiling for one connection: bytes go out only against tokens that refill at the listener's current
/// <c>BytesPerSecond</c>, up to a burst of at most one second's worth and never more than <see cref="MaxBurst"/>. Over
/// any window the echo sends at most the rate times the window plus one burst.
/// </summary>
internal sealed class TokenBucket(TimeProvider timeProvider)
{
    public const int MaxBurst = 16_384;

    private double _tokens = -1;
    private long _refilledAt;

    public static int Burst(long bytesPerSecond) => (int)Math.Min(bytesPerSecond, MaxBurst);

    /// <summary>Waits until <paramref name="count"/> bytes (at most one burst) may go out at <paramref name="bytesPerSecond"/>, and takes them.</summary>
    public async ValueTask TakeAsync(int count, long bytesPerSecond, CancellationToken cancellationToken)
    {
        var burst = Burst(bytesPerSecond);
        while (true)
        {
            var now = timeProvider.GetTimestamp();
            _tokens = _tokens < 0
                ? burst
                : Math.Min(burst, _tokens + (timeProvider.GetElapsedTime(_refilledAt, now).TotalSeconds * bytesPerSecond));
            _refilledAt = now;
            if (_tokens >= count)
            {
                _tokens -= count;
                return;
            }

            // At least a millisecond: timers are no finer, and a shorter wait would only spin.
            var wait = TimeSpan.FromSeconds(Math.Max((count - _tokens) / bytesPerSecond, 0.001));
            await Task.Delay(wait, timeProvider, cancellationToken);
        }
    }
}
