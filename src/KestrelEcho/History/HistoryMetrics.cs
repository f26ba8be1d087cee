using System.Diagnostics.Metrics;

namespace KestrelEcho.History;

/// <summary>
/// What became of each closed connection's record: written, dropped because the writer's queue was full, or lost
/// with a batch the database refused. Written + dropped + failed is every close the history was told of.
/// </summary>
internal sealed class HistoryMetrics
{
    /// <summary>The service's one meter (Echo's <c>EchoMetrics.MeterName</c>); History sits below Echo, so it names it itself.</summary>
    public const string MeterName = "KestrelEcho";

    private readonly Counter<long> _written;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _failed;

    public HistoryMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _written = meter.CreateCounter<long>(
            "kestrel_echo.history.records.written",
            unit: "{record}",
            description: "Closed connections written to the history database.");
        _dropped = meter.CreateCounter<long>(
            "kestrel_echo.history.records.dropped",
            unit: "{record}",
            description: "Closed connections not recorded because the history writer's queue was full: the echo never waits for the database.");
        _failed = meter.CreateCounter<long>(
            "kestrel_echo.history.records.failed",
            unit: "{record}",
            description: "Closed connections lost because the history database could not be written (unwritable path, full disk, corrupt file); /health says why.");
    }

    /// <summary>As the echo counters (Telemetry's CounterSeriesPublisher): so the first drop or failure shows in rate().</summary>
    public void PublishCountersAtZero()
    {
        foreach (var counter in (ReadOnlySpan<Counter<long>>)[_written, _dropped, _failed])
        {
            if (counter.Enabled)
            {
                counter.Add(0);
            }
        }
    }

    public void Written(int count)
    {
        if (_written.Enabled)
        {
            _written.Add(count);
        }
    }

    public void Dropped()
    {
        if (_dropped.Enabled)
        {
            _dropped.Add(1);
        }
    }

    public void Failed(int count)
    {
        if (_failed.Enabled)
        {
            _failed.Add(count);
        }
    }
}
