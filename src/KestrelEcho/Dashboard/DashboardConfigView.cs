namespace KestrelEcho.Dashboard;

/// <summary>
/// What the page needs to know that its own address does not tell: served from the management port, it finds the
/// WebSocket echo on the HTTP port.
/// </summary>
/// <param name="HttpPort">The HTTP endpoint's bound port.</param>
/// <param name="WebSocketEchoPath">The WebSocket echo's path on that port (<c>EchoWebSocket:Path</c>); null when it is off.</param>
internal sealed record DashboardConfigView(int? HttpPort, string? WebSocketEchoPath);
