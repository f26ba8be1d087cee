using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace KestrelEcho.Testing;

/// <summary>
/// Kestrel's own account of one app's connections, per listening port, from its meter
/// (<c>Microsoft.AspNetCore.Server.Kestrel</c>): a witness that owes nothing to the service's registry. A meter's
/// scope is the factory that made it, so other apps in the test process do not count.
/// </summary>
public sealed class KestrelConnectionMeter : IDisposable
{
    private const string MeterName = "Microsoft.AspNetCore.Server.Kestrel";
    private const string ActiveConnections = "kestrel.active_connections";
    private const string ConnectionDuration = "kestrel.connection.duration";
    private const string UpgradedConnections = "kestrel.upgraded_connections";

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<int, PortCounts> _ports = new();
    private long _upgraded;

    public KestrelConnectionMeter(IMeterFactory scope)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == MeterName && ReferenceEquals(instrument.Meter.Scope, scope) && instrument.Name is ActiveConnections or ConnectionDuration or UpgradedConnections)
            {
                listener.EnableMeasurementEvents(instrument, this);
            }
        };
        _listener.SetMeasurementEventCallback<long>(static (instrument, value, tags, state) =>
        {
            var meter = (KestrelConnectionMeter)state!;
            if (instrument.Name == UpgradedConnections)
            {
                Interlocked.Add(ref meter._upgraded, value);
            }
            else
            {
                meter.OnActiveChanged(value, tags);
            }
        });
        _listener.SetMeasurementEventCallback<double>(static (_, _, tags, state) => ((KestrelConnectionMeter)state!).OnClosed(tags));
        _listener.Start();
    }

    /// <summary>Connections on <paramref name="port"/> that Kestrel holds open now.</summary>
    public long Active(int port) => Counts(port).Active;

    /// <summary>Connections on <paramref name="port"/> that Kestrel has finished with.</summary>
    public long Closed(int port) => Counts(port).Closed;

    /// <summary>Upgraded connections (WebSockets) Kestrel holds open now, on any port.</summary>
    public long Upgraded => Interlocked.Read(ref _upgraded);

    public void Dispose() => _listener.Dispose();

    private PortCounts Counts(int port) => _ports.GetOrAdd(port, static _ => new PortCounts());

    private void OnActiveChanged(long delta, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (Port(tags) is { } port)
        {
            Interlocked.Add(ref Counts(port).Active, delta);
        }
    }

    private void OnClosed(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (Port(tags) is { } port)
        {
            Interlocked.Increment(ref Counts(port).Closed);
        }
    }

    private static int? Port(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag is { Key: "server.port", Value: int port })
            {
                return port;
            }
        }

        return null;
    }

    private sealed class PortCounts
    {
        public long Active;
        public long Closed;
    }
}
