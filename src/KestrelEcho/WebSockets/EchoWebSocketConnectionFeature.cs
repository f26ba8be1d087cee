namespace KestrelEcho.WebSockets;

/// <summary>
/// Marks a connection the WebSocket-only listener (<c>EchoWebSocket:Port</c>) accepted, so that listener serves the
/// echo path and nothing else, whatever its address and port.
/// </summary>
internal sealed class EchoWebSocketConnectionFeature
{
    public static readonly EchoWebSocketConnectionFeature Instance = new();

    private EchoWebSocketConnectionFeature()
    {
    }
}
