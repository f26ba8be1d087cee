using System.Text.Json.Serialization;

namespace KestrelEcho.Admin;

/// <summary>
/// One stored closed connection, as <c>GET /connections/history</c> shows it: the fields of
/// <see cref="ClosedConnectionView"/>, in the same order, and whether it was refused (closed before the echo).
/// </summary>
internal sealed record HistoryConnectionView(
    string Id,
    string Stage,
    string Transport,
    string? RemoteAddress,
    int? RemotePort,
    string? LocalEndPoint,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Proxy,
    DateTimeOffset ConnectedAt,
    DateTimeOffset ClosedAt,
    double DurationSeconds,
    long BytesReceived,
    long BytesSent,
    string CloseReason,
    bool Refused);
