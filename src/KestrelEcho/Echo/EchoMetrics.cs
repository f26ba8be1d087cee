using System.Diagnostics.Metrics;
using KestrelEcho.Connections;

namespace KestrelEcho.Echo;

/// <summary>
/// The echo path's own instruments. Kestrel's meter already reports active connections and connection
/// duration per endpoint; these add what only the echo path knows: bytes moved, how connections ended, and
/// the state an alert compares against (admitted connections, the limit in force, whether draining).
/// </summary>
internal sealed class EchoMetrics
{
    public const string MeterName = "KestrelEcho";
    public const string CloseReasonTag = "kestrel_echo.close.reason";
    public const string TransportTag = "kestrel_echo.transport";
    public const string ListenerTag = ConnectionListener.MetricTagName;

    /// <summary>One tag per transport, built once: tagging a byte count on the echo loop's path allocates nothing.</summary>
    private static readonly KeyValuePair<string, object?>[] s_transportTags =
        [.. Enum.GetValues<ConnectionTransport>().Select(static transport => new KeyValuePair<string, object?>(TransportTag, transport.ToName()))];

    // Echo sessions live from milliseconds (health probes, churn) to days (idle telnet users).
    private static readonly double[] s_durationBuckets =
        [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600, 14400, 86400];

    private readonly Counter<long> _connectionsOpened;
    private readonly Counter<long> _connectionsClosed;
    private readonly Counter<long> _bytesReceived;
    private readonly Counter<long> _bytesSent;
    private readonly Histogram<double> _connectionDuration;

    public EchoMetrics(IMeterFactory meterFactory, ConnectionAdmission admission, EchoSettings settings, DrainState drain)
    {
        var meter = meterFactory.Create(MeterName);

        _connectionsOpened = meter.CreateCounter<long>(
            "kestrel_echo.connections.opened",
            unit: "{connection}",
            description: "Echo connections accepted, by transport and listener.");

        _connectionsClosed = meter.CreateCounter<long>(
            "kestrel_echo.connections.closed",
            unit: "{connection}",
            description: "Echo connections closed, by close reason, transport and listener.");

        _bytesReceived = meter.CreateCounter<long>(
            "kestrel_echo.received",
            unit: "By",
            description: "Bytes received from echo clients (WebSocket: message payload), by transport and listener.");

        _bytesSent = meter.CreateCounter<long>(
            "kestrel_echo.sent",
            unit: "By",
            description: "Bytes echoed back to clients (WebSocket: message payload), by transport and listener.");

        _connectionDuration = meter.CreateHistogram(
            "kestrel_echo.connection.duration",
            unit: "s",
            description: "How long echo connections lived, by close reason, transport and listener.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = s_durationBuckets });

        // Not Kestrel's kestrel.active_connections: that one is per listener (plain and TLS echo apart, HTTP
        // beside them) and counts refused connections until they close; the limit counts the connections past it
        // across both echo endpoints, in every stage, so an alert must compare against exactly this.
        meter.CreateObservableUpDownCounter(
            "kestrel_echo.connections.active",
            () => admission.Open,
            unit: "{connection}",
            description: "Echo connections open now past the connection limit (plain, TLS and WebSocket, in the PROXY header, the TLS handshake or the echo): what Echo:MaxConnections limits.");

        // Observed, not copied at start: the limit can be changed at run time (appsettings.json is watched).
        meter.CreateObservableGauge(
            "kestrel_echo.connections.limit",
            () => settings.Current.MaxConnections,
            unit: "{connection}",
            description: "Echo:MaxConnections in force: admitted connections beyond it are refused (connection_limit).");

        meter.CreateObservableGauge(
            "kestrel_echo.draining",
            () => drain.IsStopping ? 1 : 0,
            description: "1 while the service is stopping: readiness is 503; new echo connections are admitted for Echo:ShutdownDelay, then refused while open ones drain.");
    }

    /// <summary>
    /// Puts every counter on the export at 0, for each of <paramref name="listeners"/> with its transport, each close
    /// reason included. Prometheus takes a series' first sample as its starting point, so without this the first
    /// <c>error</c> close (or the first bytes, or the first close of any kind) would never show in <c>rate()</c> or
    /// <c>increase()</c>, and an alert on it would miss it.
    /// </summary>
    public void PublishCountersAtZero(IEnumerable<ConnectionListener> listeners)
    {
        foreach (var listener in listeners)
        {
            var transport = s_transportTags[(int)listener.Transport];
            if (_connectionsOpened.Enabled)
            {
                _connectionsOpened.Add(0, transport, listener.MetricTag);
            }

            if (_bytesReceived.Enabled)
            {
                _bytesReceived.Add(0, transport, listener.MetricTag);
            }

            if (_bytesSent.Enabled)
            {
                _bytesSent.Add(0, transport, listener.MetricTag);
            }

            if (_connectionsClosed.Enabled)
            {
                foreach (var reason in Enum.GetValues<CloseReason>())
                {
                    _connectionsClosed.Add(0, new KeyValuePair<string, object?>(CloseReasonTag, reason.ToName()), transport, listener.MetricTag);
                }
            }
        }
    }

    public void ConnectionOpened(ConnectionListener listener)
    {
        if (_connectionsOpened.Enabled)
        {
            _connectionsOpened.Add(1, s_transportTags[(int)listener.Transport], listener.MetricTag);
        }
    }

    public void ConnectionClosed(CloseReason reason, ConnectionListener listener, TimeSpan duration)
    {
        var tag = new KeyValuePair<string, object?>(CloseReasonTag, reason.ToName());

        if (_connectionsClosed.Enabled)
        {
            _connectionsClosed.Add(1, tag, s_transportTags[(int)listener.Transport], listener.MetricTag);
        }

        if (_connectionDuration.Enabled)
        {
            _connectionDuration.Record(duration.TotalSeconds, tag, s_transportTags[(int)listener.Transport], listener.MetricTag);
        }
    }

    /// <summary>
    /// Counts the bytes <paramref name="session"/> moved since its last catch-up (see <see cref="EchoSession.CatchUp"/>):
    /// the sweeper once a tick for every live session, the close once more for the rest, so after a close the
    /// counters hold its bytes exactly. The echo loops never touch the meters.
    /// </summary>
    public void CatchUp(EchoSession session, long timestamp)
    {
        session.CatchUp(timestamp, out var received, out var sent);
        var transport = s_transportTags[(int)session.Listener.Transport];
        if (received > 0 && _bytesReceived.Enabled)
        {
            _bytesReceived.Add(received, transport, session.Listener.MetricTag);
        }

        if (sent > 0 && _bytesSent.Enabled)
        {
            _bytesSent.Add(sent, transport, session.Listener.MetricTag);
        }
    }
}
