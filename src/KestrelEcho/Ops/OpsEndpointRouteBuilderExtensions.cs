using KestrelEcho.Admin;
using KestrelEcho.Health;

namespace KestrelEcho.Ops;

internal static class OpsEndpointRouteBuilderExtensions
{
    private static readonly string[] s_readMethods = [HttpMethods.Get, HttpMethods.Head];

    /// <summary>Maps the ops API in every environment: health, metrics and the admin endpoints.</summary>
    public static WebApplication MapOpsEndpoints(this WebApplication app)
    {
        app.MapHealthEndpoints();
        app.MapPrometheusScrapingEndpoint().WithMetadata(new HttpMethodMetadata(s_readMethods));
        app.MapConnectionsEndpoints();
        return app;
    }
}
