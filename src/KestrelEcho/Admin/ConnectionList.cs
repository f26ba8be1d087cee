namespace KestrelEcho.Admin;

/// <summary>
/// The answer of <c>GET /connections</c>: <see cref="Total"/> live connections, of which <see cref="Matched"/> match
/// the filters; at most <see cref="Limit"/> of those are listed, from the <see cref="Offset"/>-th in the chosen order.
/// </summary>
internal sealed record ConnectionList(int Total, int Matched, int Offset, int Limit, IReadOnlyList<ConnectionView> Connections);
