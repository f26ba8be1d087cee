using KestrelEcho.Connections;

namespace KestrelEcho.Admin;

/// <summary>Turns <see cref="EchoSession"/> timestamps into the wall-clock times the JSON shows.</summary>
internal sealed class ConnectionViews(TimeProvider timeProvider)
{
    public ConnectionView Live(EchoSession session, long now) => new(
        session.Id,
        session.Stage.ToName(),
        session.Transport.ToName(),
        session.Listener.Name,
        session.RemoteEndPoint?.Address.ToString(),
        session.RemoteEndPoint?.Port,
        session.LocalEndPoint?.ToString(),
        session.ProxyEndPoint?.ToString(),
        ProxyTlvsView.Of(session.ProxyTlvs),
        TlsView.Of(session.Tls),
        session.ConnectedAt,
        timeProvider.GetElapsedTime(session.StartTimestamp, now).TotalSeconds,
        session.BytesReceived,
        session.BytesSent,
        At(session, session.LastActivityTimestamp),
        timeProvider.GetElapsedTime(session.LastActivityTimestamp, now).TotalSeconds);

    public ClosedConnectionView Closed(EchoSession session) => new(
        session.Id,
        session.Stage.ToName(),
        session.Transport.ToName(),
        session.Listener.Name,
        session.RemoteEndPoint?.Address.ToString(),
        session.RemoteEndPoint?.Port,
        session.LocalEndPoint?.ToString(),
        session.ProxyEndPoint?.ToString(),
        ProxyTlvsView.Of(session.ProxyTlvs),
        TlsView.Of(session.Tls),
        session.ConnectedAt,
        At(session, session.ClosedTimestamp),
        timeProvider.GetElapsedTime(session.StartTimestamp, session.ClosedTimestamp).TotalSeconds,
        session.BytesReceived,
        session.BytesSent,
        session.CloseReason?.ToName() ?? "open");

    public ConnectionDetailView Detail(EchoSession session, long now)
    {
        var reason = session.CloseReason;
        var end = reason is null ? now : session.ClosedTimestamp;
        return new ConnectionDetailView(
            session.Id,
            reason is null ? "open" : "closed",
            session.Stage.ToName(),
            session.Transport.ToName(),
            session.Listener.Name,
            session.RemoteEndPoint?.Address.ToString(),
            session.RemoteEndPoint?.Port,
            session.LocalEndPoint?.ToString(),
            session.ProxyEndPoint?.ToString(),
            ProxyTlvsView.Of(session.ProxyTlvs),
            TlsView.Of(session.Tls),
            session.ConnectedAt,
            timeProvider.GetElapsedTime(session.StartTimestamp, end).TotalSeconds,
            session.BytesReceived,
            session.BytesSent,
            At(session, session.LastActivityTimestamp),
            reason?.ToName(),
            Timeline(session, reason));
    }

    private List<TimelineEventView> Timeline(EchoSession session, CloseReason? reason)
    {
        var timeline = new List<TimelineEventView>(5) { new("accepted", session.ConnectedAt) };
        AddIfHappened(timeline, session, "first_byte_received", session.FirstByteTimestamp);
        AddIfHappened(timeline, session, "client_half_closed", session.ClientFinTimestamp);
        AddIfHappened(timeline, session, "server_closing", session.ServerClosingTimestamp);
        if (reason is { } closed)
        {
            timeline.Add(new TimelineEventView("closed", At(session, session.ClosedTimestamp), closed.ToName()));
        }

        return timeline;
    }

    private void AddIfHappened(List<TimelineEventView> timeline, EchoSession session, string name, long timestamp)
    {
        if (timestamp != 0)
        {
            timeline.Add(new TimelineEventView(name, At(session, timestamp)));
        }
    }

    private DateTimeOffset At(EchoSession session, long timestamp) =>
        session.ConnectedAt + timeProvider.GetElapsedTime(session.StartTimestamp, timestamp);
}
