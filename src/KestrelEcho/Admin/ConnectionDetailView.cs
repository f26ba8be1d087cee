using System.Text.Json.Serialization;

namespace KestrelEcho.Admin;

/// <summary>One connection, live or recently closed, with its timeline: <c>GET /connections/{id}</c>.</summary>
internal sealed record ConnectionDetailView(
    string Id,
    string State,
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
    double DurationSeconds,
    long BytesReceived,
    long BytesSent,
    DateTimeOffset LastActivityAt,
    string? CloseReason,
    IReadOnlyList<TimelineEventView> Timeline);
