using System.Diagnostics.Metrics;
using KestrelEcho.Connections;
using KestrelEcho.Echo;
using KestrelEcho.Net;
using KestrelEcho.Telemetry;
using Microsoft.Extensions.DependencyInjection;

namespace KestrelEcho.Testing;

/// <summary>
/// Reads one app's observable echo instruments (active, limit, draining) on demand. /metrics would mix in the
/// other apps running in the test process; a meter's scope is the factory that made it, so this reads this
/// app's instruments only.
/// </summary>
public sealed class EchoGaugeReader : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Lock _lock = new();
    private readonly Dictionary<string, long> _observed = new(StringComparer.Ordinal);

    public EchoGaugeReader(EchoAppFactory app)
    {
        var meterFactory = app.Services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.IsObservable && instrument.Meter.Name == EchoMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, meterFactory))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<int>((instrument, value, _, _) => Record(instrument.Name, value));
        _listener.Start();
    }

    /// <summary>The value <paramref name="instrument"/> (e.g. <c>kestrel_echo.draining</c>) reports now; null if it reports none.</summary>
    public long? Observe(string instrument)
    {
        lock (_lock)
        {
            _observed.Clear();
            _listener.RecordObservableInstruments();
            return _observed.TryGetValue(instrument, out var value) ? value : null;
        }
    }

    public void Dispose() => _listener.Dispose();

    private void Record(string instrument, long value)
    {
        // The callback runs inside RecordObservableInstruments, on the caller's thread, under the lock.
        _observed[instrument] = value;
    }
}
