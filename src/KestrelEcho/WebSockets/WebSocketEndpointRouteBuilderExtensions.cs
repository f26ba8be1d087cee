using Microsoft.Extensions.Options;

namespace KestrelEcho.WebSockets;

internal static class WebSocketEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the WebSocket echo at <c>EchoWebSocket:Path</c> when it is enabled, and keeps the WebSocket-only listener
    /// (<c>EchoWebSocket:Port</c>) to that path. No Origin check: like the TCP echo it is public, and it holds nothing
    /// of a browser user's that another site could reach through it.
    /// </summary>
    public static WebApplication MapEchoWebSocket(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<EchoWebSocketOptions>>().Value;
        if (!options.Enabled)
        {
            return app;
        }

        var path = new PathString(options.Path);
        app.Use(next => context =>
        {
            if (context.Features.Get<EchoWebSocketConnectionFeature>() is not null && !context.Request.Path.Equals(path, StringComparison.OrdinalIgnoreCase))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            return next(context);
        });

        // Kestrel's defaults: a ping every 2 minutes keeps idle sessions through NATs and proxies (a pong is not
        // data, so it does not hold off Echo:IdleTimeout), and any Origin is accepted.
        app.UseWebSockets();

        var handler = app.Services.GetRequiredService<EchoWebSocketHandler>();
        app.MapGet(options.Path, new RequestDelegate(handler.HandleAsync));
        return app;
    }
}
