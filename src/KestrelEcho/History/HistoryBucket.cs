namespace KestrelEcho.History;

/// <summary>
/// The connections that closed in one bucket of a <see cref="HistorySummary"/>: how many, how many were refused, the
/// bytes they moved, and how many ended for each close reason (only reasons that occurred).
/// </summary>
internal sealed record HistoryBucket(
    DateTimeOffset Start,
    long Connections,
    long Refused,
    long BytesReceived,
    long BytesSent,
    Dictionary<string, long> Reasons);
