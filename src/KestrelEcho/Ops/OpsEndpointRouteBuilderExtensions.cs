using KestrelEcho.Admin;
using KestrelEcho.Health;
using KestrelEcho.Telemetry;

namespace KestrelEcho.Ops;

internal static class OpsEndpointRouteBuilderExtensions
{
    /// <summary>Maps the ops API in every environment: health, metrics and the admin endpoints.</summary>
    public static WebApplication MapOpsEndpoints(this WebApplication app)
    {
        app.MapHealthEndpoints();
        app.MapMetricsEndpoint();
        app.MapConnectionsEndpoints();
        app.MapHistoryEndpoints();
        return app;
    }
}
