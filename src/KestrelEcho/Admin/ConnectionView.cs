using System.Text.Json.Serialization;

namespace KestrelEcho.Admin;

/// <summary>One live echo client, as <c>GET /connections</c> shows it.</summary>
internal sealed record ConnectionView(
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
    double AgeSeconds,
    long BytesReceived,
    long BytesSent,
    DateTimeOffset LastActivityAt,
    double IdleSeconds);
