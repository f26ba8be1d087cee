using KestrelEcho.Admin;
using KestrelEcho.Dashboard;
using KestrelEcho.Health;
using KestrelEcho.Telemetry;

namespace KestrelEcho.Ops;

internal static class OpsEndpointRouteBuilderExtensions
{
    /// <summary>Maps the ops API in every environment: health, metrics, the admin endpoints and their dashboard.</summary>
    public static WebApplication MapOpsEndpoints(this WebApplication app)
    {
        app.MapHealthEndpoints();
        app.MapMetricsEndpoint();
        app.MapConnectionsEndpoints();
        app.MapDashboardEndpoints();
        return app;
    }
}
