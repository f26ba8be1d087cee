namespace KestrelEcho.Admin;

/// <summary>
/// The answer of <c>GET /connections/history</c>: a page of stored connections, newest first, and the cursor that
/// asks for the next (older) page, or null at the end.
/// </summary>
internal sealed record HistoryPage(IReadOnlyList<HistoryConnectionView> Connections, string? Next);
