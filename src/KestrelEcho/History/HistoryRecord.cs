using System.Net;

namespace KestrelEcho.History;

/// <summary>
/// One closed connection as the history keeps it: plain values copied from the session when it closed, so the
/// queue to the writer holds no session (sessions stay in the recent rings and the registry's care). Names are the
/// stable ones of <c>/connections</c> (stage, transport, close reason).
/// </summary>
internal sealed record HistoryRecord(
    string Id,
    string Stage,
    string Transport,
    IPAddress? RemoteAddress,
    int? RemotePort,
    string? LocalEndPoint,
    string? Proxy,
    DateTimeOffset ConnectedAt,
    DateTimeOffset ClosedAt,
    double DurationSeconds,
    long BytesReceived,
    long BytesSent,
    string CloseReason,
    bool Refused);
