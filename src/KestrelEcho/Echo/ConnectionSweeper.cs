using KestrelEcho.Connections;

namespace KestrelEcho.Echo;

/// <summary>
/// Once a second, closes connections that have been idle or open too long, or whose echo has waited too long for a
/// client that does not read. One pass over the registry
/// per tick costs far less than a timer per connection when 18,000 are open (Kestrel's heartbeat does the same).
/// </summary>
internal sealed class ConnectionSweeper(ConnectionRegistry registry, EchoSettings settings, TimeProvider timeProvider)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, timeProvider);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            Sweep();
        }
    }

    public void Sweep()
    {
        var limits = settings.Current;
        if (limits.IdleTimeout == TimeSpan.Zero && limits.MaxLifetime == TimeSpan.Zero && limits.SlowReaderTimeout == TimeSpan.Zero)
        {
            return;
        }

        var now = timeProvider.GetTimestamp();
        foreach (var session in registry.Live())
        {
            if (limits.MaxLifetime > TimeSpan.Zero && timeProvider.GetElapsedTime(session.StartTimestamp, now) >= limits.MaxLifetime)
            {
                session.RequestClose(CloseReason.LifetimeExceeded);
            }
            else if (limits.IdleTimeout > TimeSpan.Zero && timeProvider.GetElapsedTime(session.LastReceivedTimestamp, now) >= limits.IdleTimeout)
            {
                session.RequestClose(CloseReason.IdleTimeout);
            }
            else if (limits.SlowReaderTimeout > TimeSpan.Zero
                && session.EchoBlockedTimestamp is var blockedSince and not 0
                && timeProvider.GetElapsedTime(blockedSince, now) >= limits.SlowReaderTimeout)
            {
                session.RequestClose(CloseReason.SlowReader);
            }
        }
    }
}
