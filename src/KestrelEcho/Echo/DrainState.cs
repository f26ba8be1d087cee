namespace KestrelEcho.Echo;

/// <summary>
/// Whether the service has begun to stop. SIGTERM signals ApplicationStopping before the drain; a host stopped
/// directly (StopAsync) signals it only after its hosted services' StoppingAsync, so the drain marks it too.
/// </summary>
internal sealed class DrainState(IHostApplicationLifetime lifetime)
{
    private volatile bool _draining;

    public bool IsDraining => _draining || lifetime.ApplicationStopping.IsCancellationRequested;

    public void Begin() => _draining = true;
}
