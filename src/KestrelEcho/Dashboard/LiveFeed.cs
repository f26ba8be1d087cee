using System.Runtime.CompilerServices;
using KestrelEcho.Admin;
using KestrelEcho.Connections;

namespace KestrelEcho.Dashboard;

/// <summary>
/// The dashboard's live feed: a <see cref="LiveTick"/> at once, then one a second, until the client goes away or the
/// service starts stopping (so the feed never holds up a shutdown). Each tick walks the live sessions once, per
/// viewer: the echo path does nothing for it.
/// </summary>
internal sealed class LiveFeed(
    ConnectionRegistry registry,
    ConnectionViews views,
    TimeProvider timeProvider,
    IHostApplicationLifetime lifetime)
{
    /// <summary>The table's rows: a screenful, not the API's 1000.</summary>
    public const int DefaultLimit = 200;

    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private static readonly CloseReason[] s_reasons = Enum.GetValues<CloseReason>();

    public async IAsyncEnumerable<LiveTick> TicksAsync(ConnectionQuery query, [EnumeratorCancellation] CancellationToken requestAborted)
    {
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, lifetime.ApplicationStopping);
        using var timer = new PeriodicTimer(Interval, timeProvider);
        do
        {
            yield return Tick(query);
        }
        while (await NextAsync(timer, ending.Token));
    }

    /// <summary>
    /// The live sessions first, then the closed totals: a connection that closes in between counts in both for this
    /// one tick, and a reader clamps the dip that follows, rather than locking the echo path's close out.
    /// </summary>
    public LiveTick Tick(ConnectionQuery query)
    {
        var now = timeProvider.GetTimestamp();
        var sessions = registry.Snapshot();
        long bytesReceived = 0;
        long bytesSent = 0;
        foreach (var session in sessions)
        {
            bytesReceived += session.BytesReceived;
            bytesSent += session.BytesSent;
        }

        var closed = registry.ClosedTotals;
        var reasons = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var reason in s_reasons)
        {
            if (closed.Of(reason) is var count and > 0)
            {
                reasons[reason.ToName()] = count;
            }
        }

        var matched = query.Apply(sessions, now, timeProvider);
        var listed = matched.Skip(query.Offset).Take(query.Limit).Select(session => views.Live(session, now)).ToList();
        return new LiveTick(
            timeProvider.GetUtcNow(),
            sessions.Count,
            matched.Count,
            registry.Opened,
            registry.Closed,
            closed.Refused,
            bytesReceived + closed.BytesReceived,
            bytesSent + closed.BytesSent,
            reasons,
            listed);
    }

    private static async ValueTask<bool> NextAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
