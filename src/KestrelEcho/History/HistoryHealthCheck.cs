using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace KestrelEcho.History;

/// <summary>
/// Degraded, never Unhealthy, while the database cannot be written: the echo works without it. Not tagged ready or
/// live, so only <c>/health</c> shows it: Kubernetes keeps routing echo clients and does not restart the pod.
/// </summary>
internal sealed class HistoryHealthCheck(HistoryDatabase database, HistoryStatus status) : IHealthCheck
{
    public const string Name = "history";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var result = !database.Enabled
            ? HealthCheckResult.Healthy("History:Enabled is false: closed connections are not recorded.")
            : status.Problem is { } problem
                ? HealthCheckResult.Degraded($"Closed connections are not being recorded to {database.Path}: {problem}")
                : HealthCheckResult.Healthy($"Recording closed connections to {database.Path}.");
        return Task.FromResult(result);
    }
}
