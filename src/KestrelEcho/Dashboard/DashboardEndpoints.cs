using KestrelEcho.Admin;
using KestrelEcho.Net;
using KestrelEcho.WebSockets;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace KestrelEcho.Dashboard;

internal static class DashboardEndpoints
{
    private const string LiveFeedEventType = "tick";

    /// <summary>
    /// The page at <c>/</c> and its files under <c>/dashboard</c>, through the admin API's network rule; its live feed,
    /// <c>/connections/events</c>, through the admin group itself (the key too).
    /// </summary>
    public static IEndpointRouteBuilder MapDashboardEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var assets = endpoints.ServiceProvider.GetRequiredService<DashboardAssets>();
        var shell = endpoints.MapAdminShellGroup();
        shell.MapGet("/", () => new DashboardAssetResult(assets.Index));
        foreach (var asset in assets.Files)
        {
            shell.MapGet(asset.Path, () => new DashboardAssetResult(asset));
        }

        shell.MapGet($"{DashboardAssets.PathPrefix}/config", Config);
        endpoints.MapAdminGroup().MapGet("/events", Events);
        return endpoints;
    }

    private static Ok<DashboardConfigView> Config(HttpResponse response, ListenEndpoints listening, IOptions<EchoWebSocketOptions> webSocket)
    {
        DashboardHeaders.Apply(response);
        response.Headers.CacheControl = "no-cache";
        var echo = webSocket.Value;
        return TypedResults.Ok(new DashboardConfigView(listening.HttpEndPoint?.Port, echo.Enabled ? echo.Path : null));
    }

    /// <summary>
    /// Server-sent events, one <see cref="LiveTick"/> a second. It takes <c>GET /connections</c>'s query (sort, order,
    /// filters, offset, limit) for the connections each tick lists, <see cref="LiveFeed.DefaultLimit"/> of them unless
    /// told; the page reopens the stream when its table's sort or filter changes.
    /// </summary>
    private static Results<ServerSentEventsResult<LiveTick>, ValidationProblem> Events(HttpRequest request, LiveFeed feed)
    {
        if (!ConnectionQuery.TryParse(request.Query, out var query, out var errors))
        {
            return ConnectionsEndpoints.BadQuery(errors);
        }

        if (!request.Query.ContainsKey("limit"))
        {
            query = query with { Limit = LiveFeed.DefaultLimit };
        }

        return TypedResults.ServerSentEvents(feed.TicksAsync(query, request.HttpContext.RequestAborted), LiveFeedEventType);
    }
}
