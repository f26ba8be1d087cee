using KestrelEcho.Connections;
using Microsoft.Extensions.Options;

namespace KestrelEcho.Echo;

/// <summary>
/// Graceful stop on SIGTERM. <see cref="StoppingAsync"/> runs before Kestrel stops: it marks the
/// <see cref="DrainState"/> stopping (readiness turns 503) and keeps admitting and echoing new connections for
/// <see cref="EchoOptions.ShutdownDelay"/>, while load balancers notice; then admission refuses new echo
/// connections, open ones keep being echoed for up to <see cref="EchoOptions.DrainTimeout"/>, and whatever is
/// still open then is closed with <see cref="CloseReason.ServerShutdown"/>. HTTP keeps answering throughout.
/// A second stop signal (<see cref="RepeatedStopSignal"/>) during the delay or the drain closes them at once.
/// </summary>
internal sealed partial class EchoDrain(
    ConnectionRegistry registry,
    IOptions<EchoOptions> options,
    DrainState drain,
    TimeProvider timeProvider,
    ILogger<EchoDrain> logger) : IHostedLifecycleService
{
    private static readonly TimeSpan s_pollInterval = TimeSpan.FromMilliseconds(50);

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        // The values the service started with: the host's shutdown timeout was sized from them then.
        var shutdownDelay = options.Value.ShutdownDelay;
        var drainTimeout = options.Value.DrainTimeout;

        drain.BeginStopping();
        using var repeatedSignal = new RepeatedStopSignal();
        using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, repeatedSignal.Received);
        if (shutdownDelay > TimeSpan.Zero)
        {
            LogShutdownDelay(logger, shutdownDelay.TotalSeconds, registry.Active, RepeatedStopSignal.StopNowHint);
            await Task.Delay(shutdownDelay, timeProvider, stopWaiting.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        drain.BeginRefusing();
        var open = registry.Active;
        if (open > 0 && drainTimeout > TimeSpan.Zero && !stopWaiting.IsCancellationRequested)
        {
            LogDraining(logger, open, drainTimeout.TotalSeconds, RepeatedStopSignal.StopNowHint);
            var start = timeProvider.GetTimestamp();
            while (registry.Active > 0 && timeProvider.GetElapsedTime(start) < drainTimeout && !stopWaiting.IsCancellationRequested)
            {
                await Task.Delay(s_pollInterval, timeProvider, stopWaiting.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        var remaining = registry.Snapshot();
        if (repeatedSignal.Received.IsCancellationRequested)
        {
            LogStoppingNow(logger, remaining.Count);
        }
        else if (remaining.Count > 0)
        {
            LogClosingRemaining(logger, remaining.Count);
        }

        foreach (var session in remaining)
        {
            session.RequestClose(CloseReason.ServerShutdown);
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(1, LogLevel.Information, "Draining {OpenConnections} echo connections for up to {DrainSeconds} s; {StopNowHint}", EventName = "DrainStarted")]
    private static partial void LogDraining(ILogger logger, int openConnections, double drainSeconds, string stopNowHint);

    [LoggerMessage(2, LogLevel.Information, "Closing {OpenConnections} echo connections still open after the drain", EventName = "DrainEnded")]
    private static partial void LogClosingRemaining(ILogger logger, int openConnections);

    [LoggerMessage(3, LogLevel.Information, "Not ready; still accepting echo connections for {DelaySeconds} s (Echo:ShutdownDelay) so load balancers stop sending first; {OpenConnections} open; {StopNowHint}", EventName = "ShutdownDelayStarted")]
    private static partial void LogShutdownDelay(ILogger logger, double delaySeconds, int openConnections, string stopNowHint);

    [LoggerMessage(4, LogLevel.Information, "Second stop signal: closing {OpenConnections} echo connections now", EventName = "StoppingNow")]
    private static partial void LogStoppingNow(ILogger logger, int openConnections);
}
