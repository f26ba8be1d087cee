namespace KestrelEcho.Admin;

/// <summary>The answer of <c>DELETE /connections?…</c>: how many live connections it asked to close.</summary>
internal sealed record ClosedConnectionCount(int Closed);
