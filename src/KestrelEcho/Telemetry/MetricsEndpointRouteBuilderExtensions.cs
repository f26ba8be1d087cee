namespace KestrelEcho.Telemetry;

internal static class MetricsEndpointRouteBuilderExtensions
{
    private static readonly string[] s_readMethods = [HttpMethods.Get, HttpMethods.Head];

    /// <summary><c>/metrics</c> in the Prometheus text format, each answer rendered apart (<see cref="ScrapeResponseBuffering"/>).</summary>
    public static IEndpointRouteBuilder MapMetricsEndpoint(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPrometheusScrapingEndpoint(path: null, meterProvider: null, ScrapeResponseBuffering.Configure, optionsName: null)
            .WithMetadata(new HttpMethodMetadata(s_readMethods));
        return endpoints;
    }
}
