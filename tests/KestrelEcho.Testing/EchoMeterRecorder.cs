using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using KestrelEcho.Connections;
using KestrelEcho.Echo;
using KestrelEcho.Net;
using KestrelEcho.Telemetry;
using Microsoft.Extensions.DependencyInjection;

namespace KestrelEcho.Testing;

/// <summary>
/// Adds up what one app's echo meter records. /metrics cannot give exact figures while other apps run in the
/// same process (OpenTelemetry subscribes to meters by name); a meter's scope is the factory that made it, so
/// this listener takes this app's instruments only.
/// </summary>
public sealed class EchoMeterRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _closedByReason = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Instrument, string Transport), long> _byTransport = new();
    private long _opened;
    private long _received;
    private long _sent;

    public EchoMeterRecorder(EchoAppFactory app)
        : this(app.Services)
    {
    }

    /// <summary>Records the echo meter of the app (or bare service container) <paramref name="services"/> belongs to.</summary>
    public EchoMeterRecorder(IServiceProvider services)
    {
        var meterFactory = services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == EchoMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, meterFactory))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>(OnMeasurement);
        _listener.Start();
    }

    public long Opened => Interlocked.Read(ref _opened);

    public long Received => Interlocked.Read(ref _received);

    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Closed connections by close reason name.</summary>
    public IReadOnlyDictionary<string, long> ClosedByReason => new Dictionary<string, long>(_closedByReason, StringComparer.Ordinal);

    public long Closed => _closedByReason.Values.Sum();

    public long ClosedAs(string reason) => _closedByReason.GetValueOrDefault(reason);

    /// <summary>What <paramref name="instrument"/> (e.g. <c>kestrel_echo.connections.closed</c>) counted with transport <paramref name="transport"/>.</summary>
    public long OnTransport(string instrument, string transport) => _byTransport.GetValueOrDefault((instrument, transport));

    public void Dispose() => _listener.Dispose();

    private void OnMeasurement(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        foreach (var tag in tags)
        {
            if (tag is { Key: EchoMetrics.TransportTag, Value: string transport })
            {
                _byTransport.AddOrUpdate((instrument.Name, transport), value, (_, count) => count + value);
            }
        }

        switch (instrument.Name)
        {
            case "kestrel_echo.connections.opened":
                Interlocked.Add(ref _opened, value);
                break;
            case "kestrel_echo.connections.closed":
                var reason = "(none)";
                foreach (var tag in tags)
                {
                    if (tag.Key == EchoMetrics.CloseReasonTag)
                    {
                        reason = tag.Value as string ?? reason;
                    }
                }

                _closedByReason.AddOrUpdate(reason, value, (_, count) => count + value);
                break;
            case "kestrel_echo.received":
                Interlocked.Add(ref _received, value);
                break;
            case "kestrel_echo.sent":
                Interlocked.Add(ref _sent, value);
                break;
        }
    }
}
