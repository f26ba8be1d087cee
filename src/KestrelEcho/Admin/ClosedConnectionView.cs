using System.Text.Json.Serialization;

namespace KestrelEcho.Admin;

/// <summary>One recently closed echo connection, as <c>GET /connections/recent</c> shows it.</summary>
internal sealed record ClosedConnectionView(
    string Id,
    string Stage,
    string Transport,
    string Listener,
    string? RemoteAddress,
    int? RemotePort,
    string? LocalEndPoint,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Proxy,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ProxyTlvsView? ProxyTlvs,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] TlsView? Tls,
    DateTimeOffset ConnectedAt,
    DateTimeOffset ClosedAt,
    double DurationSeconds,
    long BytesReceived,
    long BytesSent,
    string CloseReason);
