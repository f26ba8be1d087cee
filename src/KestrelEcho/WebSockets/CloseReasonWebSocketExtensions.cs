using System.Net.WebSockets;
using KestrelEcho.Connections;

namespace KestrelEcho.WebSockets;

internal static class CloseReasonWebSocketExtensions
{
    /// <summary>
    /// The close frame's status when the service ends a WebSocket echo: going away when it stops, an internal error
    /// for a failure, a policy violation for every limit (and the operator's close). The frame's text is the reason's name.
    /// </summary>
    public static WebSocketCloseStatus ToCloseStatus(this CloseReason reason) => reason switch
    {
        CloseReason.ServerShutdown => WebSocketCloseStatus.EndpointUnavailable,
        CloseReason.Error => WebSocketCloseStatus.InternalServerError,
        _ => WebSocketCloseStatus.PolicyViolation,
    };
}
