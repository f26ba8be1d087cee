using Microsoft.Extensions.Options;

namespace KestrelEcho.Echo;

/// <summary>
/// How far the service has got in stopping. First it is <em>stopping</em>: readiness fails, so load balancers
/// stop sending clients, but new echo connections are still admitted for <see cref="EchoOptions.ShutdownDelay"/>,
/// because a balancer keeps sending until its health check notices. Then it <em>refuses</em>: new connections are
/// closed at accept while open ones drain. With no delay both begin together.
/// SIGTERM signals ApplicationStopping before the drain; a host stopped directly (StopAsync) signals it only
/// after its hosted services' StoppingAsync, so <see cref="EchoDrain"/> marks both phases too.
/// </summary>
internal sealed class DrainState(IHostApplicationLifetime lifetime, IOptions<EchoOptions> options)
{
    private volatile bool _stopping;
    private volatile bool _refusing;

    /// <summary>Readiness fails and the draining gauge reads 1: from SIGTERM until the process exits.</summary>
    public bool IsStopping => _stopping || lifetime.ApplicationStopping.IsCancellationRequested;

    /// <summary>New echo connections are closed at accept (<c>server_shutdown</c>): once the shutdown delay is over.</summary>
    public bool IsRefusingConnections => _refusing || (IsStopping && options.Value.ShutdownDelay == TimeSpan.Zero);

    public void BeginStopping() => _stopping = true;

    public void BeginRefusing()
    {
        _stopping = true;
        _refusing = true;
    }
}
