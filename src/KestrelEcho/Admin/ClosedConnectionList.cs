namespace KestrelEcho.Admin;

/// <summary>
/// The answer of <c>GET /connections/recent</c>: the newest <see cref="Limit"/> of the <see cref="Total"/>
/// closed connections still remembered (at most <see cref="Capacity"/>).
/// </summary>
internal sealed record ClosedConnectionList(int Total, int Capacity, int Limit, IReadOnlyList<ClosedConnectionView> Connections);
