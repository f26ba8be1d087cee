namespace KestrelEcho.Health;

/// <summary>The JSON body of the health endpoints.</summary>
internal sealed record HealthReportView(string Status, double DurationMs, IReadOnlyList<HealthCheckView> Checks);
