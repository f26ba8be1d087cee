using KestrelEcho.Echo;
using KestrelEcho.History;
using KestrelEcho.Listeners;

namespace KestrelEcho.Telemetry;

/// <summary>
/// Puts the echo and history counters on the export at 0 once the host has started. Not earlier: a measurement taken
/// before the OpenTelemetry meter provider listens (its own hosted service creates it at start) is lost.
/// </summary>
internal sealed class CounterSeriesPublisher(EchoMetrics metrics, HistoryMetrics historyMetrics, ListenerCatalog listeners) : IHostedLifecycleService
{
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        metrics.PublishCountersAtZero(listeners.MetricListeners);
        historyMetrics.PublishCountersAtZero();
        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
