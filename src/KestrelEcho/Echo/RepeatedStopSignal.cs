using System.Runtime.InteropServices;

namespace KestrelEcho.Echo;

/// <summary>
/// A stop signal (SIGINT, SIGTERM, SIGQUIT) that arrives while the service is already stopping: Ctrl+C pressed
/// again, or a second <c>kill</c>. The host's lifetime (ConsoleLifetime; SystemdLifetime for SIGTERM only) answers
/// the first signal with a graceful stop and swallows every later one, so without this a second Ctrl+C waits out
/// the whole shutdown delay and drain. Create it once stopping has begun: the first signal has then already been
/// dispatched, so it is never taken for the repeat, and a single SIGTERM (systemd, Kubernetes, a container) stops
/// gracefully as before.
/// </summary>
internal sealed class RepeatedStopSignal : IDisposable
{
    // Never disposed: it holds no timer or wait handle, and a signal whose dispatch began just before Dispose
    // still calls OnSignal, which must not throw on the signal thread.
    private readonly CancellationTokenSource _received = new();
    private readonly PosixSignalRegistration[] _registrations;

    public RepeatedStopSignal()
    {
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGQUIT, OnSignal),
        ];
    }

    /// <summary>Cancelled when a stop signal arrives.</summary>
    public CancellationToken Received => _received.Token;

    /// <summary>
    /// What the operator does to send it, for the log line of a wait it cuts short. Without a terminal on stdin
    /// (systemd, Kubernetes, a pipe) there is no Ctrl+C to press.
    /// </summary>
    public static string StopNowHint => Console.IsInputRedirected ? "send SIGTERM again to stop now" : "press Ctrl+C again to stop now";

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }
    }

    private void OnSignal(PosixSignalContext context)
    {
        // Handled, so the runtime skips the signal's default action: under SystemdLifetime nothing else handles
        // SIGINT or SIGQUIT, and the default would kill the process instead of letting it exit 0.
        context.Cancel = true;
        _received.Cancel();
    }
}
