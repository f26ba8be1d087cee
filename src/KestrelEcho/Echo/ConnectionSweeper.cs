using KestrelEcho.Connections;
using Microsoft.Extensions.Options;

namespace KestrelEcho.Echo;

/// <summary>
/// Once a second, brings each live connection's last activity and the byte counters up to date (the echo loops only
/// count: see <see cref="EchoSession.CatchUp"/>), then closes connections that have been idle or open too long, whose
/// TLS handshake takes too long, or whose echo has waited too long for a client that does not read. One pass over the
/// registry per tick costs far less than a timer per connection when 18,000 are open (Kestrel's heartbeat does the same).
/// </summary>
internal sealed class ConnectionSweeper(
    ConnectionRegistry registry,
    EchoSettings settings,
    EchoMetrics metrics,
    IOptions<EchoOptions> startup,
    TimeProvider timeProvider)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>Read at start, like the backstop Kestrel's TLS layer was given (see <see cref="KestrelHandshakeTimeout"/>).</summary>
    private readonly TimeSpan _handshakeTimeout = startup.Value.HandshakeTimeout;

    /// <summary>
    /// The sweeper closes a handshake at <see cref="EchoOptions.HandshakeTimeout"/>, so the close says
    /// <c>handshake_timeout</c> (Kestrel's TLS layer ends a timed-out handshake like a failed one); Kestrel's own
    /// timeout stays as a backstop a few ticks later.
    /// </summary>
    public static TimeSpan KestrelHandshakeTimeout(TimeSpan handshakeTimeout) => handshakeTimeout + (5 * Interval);

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
        var now = timeProvider.GetTimestamp();
        foreach (var session in registry.Live())
        {
            // First, so a connection that moved bytes since the last tick is not taken for idle.
            metrics.CatchUp(session, now);
            if (session.Stage == ConnectionStage.TlsHandshake && timeProvider.GetElapsedTime(session.StageTimestamp, now) >= _handshakeTimeout)
            {
                session.RequestClose(CloseReason.HandshakeTimeout);
            }
            else if (limits.MaxLifetime > TimeSpan.Zero && timeProvider.GetElapsedTime(session.StartTimestamp, now) >= limits.MaxLifetime)
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
