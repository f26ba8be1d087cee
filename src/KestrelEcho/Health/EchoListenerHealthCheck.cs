using KestrelEcho.Echo;
using KestrelEcho.Net;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace KestrelEcho.Health;

/// <summary>
/// Ready while the echo endpoint is bound and Kestrel is accepting on it: from the host's start until it
/// begins to stop (SIGTERM), even while the shutdown delay still admits clients. A load balancer should send
/// clients only then.
/// </summary>
internal sealed class EchoListenerHealthCheck(ListenEndpoints endpoints, DrainState drain, IHostApplicationLifetime lifetime) : IHealthCheck
{
    public const string Name = "echo_listener";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        return Task.FromResult(Evaluate());
    }

    private HealthCheckResult Evaluate()
    {
        if (drain.IsRefusingConnections)
        {
            return HealthCheckResult.Unhealthy("The service is stopping: draining echo connections, accepting no new ones.");
        }

        if (drain.IsStopping)
        {
            return HealthCheckResult.Unhealthy("The service is stopping: still accepting echo connections for Echo:ShutdownDelay, so load balancers can stop sending first.");
        }

        var endPoint = endpoints.EchoEndPoint;
        if (!lifetime.ApplicationStarted.IsCancellationRequested || endPoint is not { Port: > 0 })
        {
            return HealthCheckResult.Unhealthy("The echo endpoint is not bound yet.");
        }

        return HealthCheckResult.Healthy($"Accepting echo connections on {endPoint}.");
    }
}
