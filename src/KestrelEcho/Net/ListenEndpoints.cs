using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace KestrelEcho.Net;

/// <summary>
/// The endpoints Kestrel listens on: echo, HTTP and, when configured, the TLS echo, WebSocket echo and management endpoints.
/// Kestrel reports every address as <c>http://</c>, so its address list cannot tell the echo port from the
/// HTTP port; the <see cref="ListenOptions"/> can, and after the server starts each holds the port it
/// actually bound (which matters for port 0).
/// </summary>
internal sealed class ListenEndpoints
{
    public ListenOptions? Echo { get; set; }

    public ListenOptions? EchoTls { get; set; }

    public ListenOptions? Http { get; set; }

    /// <summary>Null unless <c>EchoWebSocket:Port</c> is set.</summary>
    public ListenOptions? EchoWebSocket { get; set; }

    /// <summary>Null unless <c>Admin:Port</c> is set.</summary>
    public ListenOptions? Admin { get; set; }

    /// <summary>The UDP echo's socket, bound by the UDP echo itself (not Kestrel); null unless <c>EchoUdp:Enabled</c>.</summary>
    public IPEndPoint? EchoUdp { get; set; }

    /// <summary>The named listeners (<c>Listeners:&lt;name&gt;</c>) by name; filled at start, read-only after.</summary>
    public Dictionary<string, ListenOptions> Listeners { get; } = new(StringComparer.OrdinalIgnoreCase);

    public IPEndPoint? EchoEndPoint => Echo?.IPEndPoint;

    public IPEndPoint? EchoTlsEndPoint => EchoTls?.IPEndPoint;

    public IPEndPoint? HttpEndPoint => Http?.IPEndPoint;

    public IPEndPoint? EchoWebSocketEndPoint => EchoWebSocket?.IPEndPoint;

    public IPEndPoint? AdminEndPoint => Admin?.IPEndPoint;

    public IPEndPoint? ListenerEndPoint(string name) => Listeners.GetValueOrDefault(name)?.IPEndPoint;
}
