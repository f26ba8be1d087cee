using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace KestrelEcho.Health;

internal static class HealthReportWriter
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        var checks = report.Entries
            .Select(static entry => new HealthCheckView(
                entry.Key,
                entry.Value.Status.ToString(),
                entry.Value.Description,
                entry.Value.Duration.TotalMilliseconds))
            .ToList();
        var view = new HealthReportView(report.Status.ToString(), report.TotalDuration.TotalMilliseconds, checks);

        context.Response.ContentType = "application/json; charset=utf-8";
        return JsonSerializer.SerializeAsync(
            context.Response.Body,
            view,
            HealthJsonContext.Default.HealthReportView,
            context.RequestAborted);
    }
}
