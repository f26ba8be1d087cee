using KestrelEcho.Health;
using KestrelEcho.Telemetry;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace KestrelEcho.Ops;

internal static class OpsEndpointRouteBuilderExtensions
{
    private static readonly string[] s_readMethods = [HttpMethods.Get, HttpMethods.Head];

    /// <summary>
    /// Maps the ops API in every environment: a probe that gets 404 in production is worse than none.
    /// </summary>
    public static WebApplication MapOpsEndpoints(this WebApplication app)
    {
        app.MapHealth("/health", static _ => true);
        app.MapHealth("/health/live", static check => check.Tags.Contains(HealthTags.Live));
        app.MapHealth("/health/ready", static check => check.Tags.Contains(HealthTags.Ready));

        app.MapPrometheusScrapingEndpoint(path: null, meterProvider: null, ScrapeResponseBuffering.Configure, optionsName: null)
            .WithMetadata(new HttpMethodMetadata(s_readMethods));
        app.MapConnectionsEndpoints();
        return app;
    }

    private static void MapHealth(this WebApplication app, string path, Func<HealthCheckRegistration, bool> predicate)
    {
        app.MapHealthChecks(path, new HealthCheckOptions
        {
            Predicate = predicate,
            ResponseWriter = HealthReportWriter.WriteAsync,
        }).WithMetadata(new HttpMethodMetadata(s_readMethods));
    }
}
