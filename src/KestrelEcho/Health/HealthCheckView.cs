namespace KestrelEcho.Health;

/// <summary>One health check's outcome inside <see cref="HealthReportView"/>.</summary>
internal sealed record HealthCheckView(string Name, string Status, string? Description, double DurationMs);
