namespace KestrelEcho.Connections;

/// <summary>
/// For an echo loop that waits on more than the connection's pipes (a named listener's delay or throttle): set on the
/// connection as a feature, it is cancelled with the pipes when the service asks the connection to close, so such a
/// wait ends at once instead of when its timer fires.
/// </summary>
internal sealed class EchoWakeFeature : IDisposable
{
    private readonly CancellationTokenSource _wake = new();

    public CancellationToken Token => _wake.Token;

    public void Wake() => _wake.Cancel();

    public void Dispose() => _wake.Dispose();
}
