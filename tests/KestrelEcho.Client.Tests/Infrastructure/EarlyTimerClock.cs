using Microsoft.Extensions.Time.Testing;

namespace KestrelEcho.Client.Tests.Infrastructure;

/// <summary>
/// A fake clock whose timers fire <paramref name="early"/> before they are due, as a real timer may when its own
/// time is coarser than the clock it is compared with.
/// </summary>
public sealed class EarlyTimerClock(TimeSpan early) : FakeTimeProvider
{
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        base.CreateTimer(callback, state, dueTime == Timeout.InfiniteTimeSpan ? dueTime : dueTime - early, period);
}
