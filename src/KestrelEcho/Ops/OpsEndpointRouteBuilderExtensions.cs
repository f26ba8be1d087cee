using KestrelEcho.Admin;
using KestrelEcho.Dashboard;
using KestrelEcho.Health;
using KestrelEcho.Listeners;
using KestrelEcho.Telemetry;
using KestrelEcho.WebSockets;

namespace KestrelEcho.Ops;

internal static class OpsEndpointRouteBuilderExtensions
{
    /// <summary>Maps the ops API in every environment: health, metrics, the admin endpoints (connections, history, listeners), their dashboard and the WebSocket echo.</summary>
    public static WebApplication MapOpsEndpoints(this WebApplication app)
    {
        app.MapHealthEndpoints();
        app.MapMetricsEndpoint();
        app.MapConnectionsEndpoints();
        app.MapEchoWebSocket();
        app.MapDashboardEndpoints();
        app.MapHistoryEndpoints();
        app.MapListenersEndpoints();
        return app;
    }
}
