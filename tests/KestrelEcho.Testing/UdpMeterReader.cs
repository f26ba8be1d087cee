using System.Diagnostics.Metrics;
using KestrelEcho.Udp;
using Microsoft.Extensions.DependencyInjection;

namespace KestrelEcho.Testing;

/// <summary>
/// Reads one app's UDP echo instruments (all observable) on demand, as <see cref="EchoGaugeReader"/> does the echo's
/// gauges: /metrics would mix in the other apps running in the test process.
/// </summary>
public sealed class UdpMeterReader : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Instrument, string? Reason), long> _observed = [];

    public UdpMeterReader(EchoAppFactory app)
    {
        var meterFactory = app.Services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == UdpMetrics.MeterName
                && ReferenceEquals(instrument.Meter.Scope, meterFactory)
                && instrument.Name.StartsWith("kestrel_echo.udp.", StringComparison.Ordinal))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument.Name, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument.Name, value, tags));
        _listener.Start();
    }

    /// <summary>What <paramref name="instrument"/> (e.g. <c>kestrel_echo.udp.datagrams.sent</c>) reports now, for one drop <paramref name="reason"/> when given.</summary>
    public long Observe(string instrument, string? reason = null)
    {
        lock (_lock)
        {
            _observed.Clear();
            _listener.RecordObservableInstruments();
            return _observed.TryGetValue((instrument, reason), out var value)
                ? value
                : throw new InvalidOperationException($"{instrument} {reason} reported nothing.");
        }
    }

    public long Dropped(string reason) => Observe("kestrel_echo.udp.dropped", reason);

    public void Dispose() => _listener.Dispose();

    private void Record(string instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? reason = null;
        foreach (var tag in tags)
        {
            if (tag.Key == UdpMetrics.DropReasonTag)
            {
                reason = tag.Value as string;
            }
        }

        // The callback runs inside RecordObservableInstruments, on the caller's thread, under the lock.
        _observed[(instrument, reason)] = value;
    }
}
