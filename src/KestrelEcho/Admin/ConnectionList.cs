namespace KestrelEcho.Admin;

/// <summary>
/// The answer of <c>GET /connections</c>: <see cref="Total"/> live connections, of which the oldest
/// <see cref="Limit"/> at most are listed.
/// </summary>
internal sealed record ConnectionList(int Total, int Limit, IReadOnlyList<ConnectionView> Connections);
