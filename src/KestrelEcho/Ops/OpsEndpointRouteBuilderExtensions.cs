using KestrelEcho.Admin;
using KestrelEcho.Health;
using KestrelEcho.Telemetry;

namespace KestrelEcho.Ops;

internal static class OpsEndpointRouteBuilderExtensions
{
    private static readonly string[] s_readMethods = [HttpMethods.Get, HttpMethods.Head];

    /// <summary>Maps the ops API in every environment: health, metrics and the admin endpoints.</summary>
    public static WebApplication MapOpsEndpoints(this WebApplication app)
    {
        app.MapHealthEndpoints();
        app.MapPrometheusScrapingEndpoint(
                path: null,
                meterProvider: null,
                configureBranchedPipeline: static scrape => scrape.Use(BufferedScrape.InvokeAsync),
                optionsName: null)
            .WithMetadata(new HttpMethodMetadata(s_readMethods));
        app.MapConnectionsEndpoints();
        return app;
    }
}
