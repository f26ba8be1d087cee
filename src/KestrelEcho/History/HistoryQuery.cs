using System.Net;

namespace KestrelEcho.History;

/// <summary>
/// Which stored connections to list, newest first: closed in [<see cref="Since"/>, <see cref="Until"/>), from a client
/// in <see cref="Network"/>, with that close reason, transport and refusal; after <see cref="After"/> (the previous
/// page's last row). Absent filters match everything.
/// </summary>
internal sealed record HistoryQuery(
    DateTimeOffset? Since,
    DateTimeOffset? Until,
    IPNetwork? Network,
    string? Reason,
    string? Transport,
    bool? Refused,
    HistoryCursor? After);
