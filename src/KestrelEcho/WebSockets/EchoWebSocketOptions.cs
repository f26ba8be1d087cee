using KestrelEcho.Net;

namespace KestrelEcho.WebSockets;

/// <summary>
/// Settings of the WebSocket echo, bound from the <c>EchoWebSocket</c> section and read at start. The echo's
/// limits are the <c>Echo</c> section's: a WebSocket echo session counts like a TCP connection.
/// </summary>
internal sealed class EchoWebSocketOptions
{
    public const string SectionName = "EchoWebSocket";

    /// <summary>Serve the WebSocket echo at <see cref="Path"/> on the HTTP endpoint (and on <see cref="Port"/> when set).</summary>
    public bool Enabled { get; set; } = true;

    public string Path { get; set; } = "/ws/echo";

    /// <summary>Where the WebSocket-only listener binds; used only with <see cref="Port"/>.</summary>
    public string Address { get; set; } = ListenAddress.Any;

    /// <summary>A listener of its own that serves only the WebSocket echo (every other path is 404); none by default.</summary>
    public int? Port { get; set; }
}
