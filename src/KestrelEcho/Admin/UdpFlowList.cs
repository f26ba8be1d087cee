namespace KestrelEcho.Admin;

/// <summary>
/// The answer of <c>GET /connections?transport=udp</c>, shaped as <see cref="ConnectionList"/>: <see cref="Total"/>
/// flows remembered, <see cref="Matched"/> of them by <c>ip</c>, at most <see cref="Limit"/> listed from the
/// <see cref="Offset"/>-th, the most recently heard from first.
/// </summary>
internal sealed record UdpFlowList(int Total, int Matched, int Offset, int Limit, IReadOnlyList<UdpFlowView> Flows);
