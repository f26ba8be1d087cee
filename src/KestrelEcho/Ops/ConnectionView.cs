namespace KestrelEcho.Ops;

/// <summary>One live echo client, as <c>GET /connections</c> shows it.</summary>
internal sealed record ConnectionView(
    string Id,
    string? RemoteAddress,
    int? RemotePort,
    string? LocalEndPoint,
    DateTimeOffset ConnectedAt,
    double AgeSeconds,
    long BytesReceived,
    long BytesSent,
    DateTimeOffset LastActivityAt);
