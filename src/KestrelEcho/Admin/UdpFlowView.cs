using KestrelEcho.Udp;

namespace KestrelEcho.Admin;

/// <summary>
/// One UDP echo flow (a source address and port heard from within <c>EchoUdp:FlowIdleTimeout</c>), as
/// <c>GET /connections?transport=udp</c> shows it: the names a TCP connection's view uses where they mean the same.
/// </summary>
internal sealed record UdpFlowView(
    string Transport,
    string RemoteAddress,
    int RemotePort,
    string LocalEndPoint,
    DateTimeOffset FirstSeenAt,
    DateTimeOffset LastSeenAt,
    double IdleSeconds,
    long DatagramsReceived,
    long DatagramsSent,
    long BytesReceived,
    long BytesSent,
    long Dropped)
{
    /// <summary>The flow's timestamps as wall-clock times, taken against one reading of both clocks.</summary>
    public static UdpFlowView Of(UdpFlowSnapshot flow, long now, DateTimeOffset utcNow, TimeProvider timeProvider) => new(
        UdpFlowQuery.Transport,
        flow.Remote.Address.ToString(),
        flow.Remote.Port,
        flow.Local.ToString(),
        utcNow - timeProvider.GetElapsedTime(flow.FirstSeenTimestamp, now),
        utcNow - timeProvider.GetElapsedTime(flow.LastSeenTimestamp, now),
        timeProvider.GetElapsedTime(flow.LastSeenTimestamp, now).TotalSeconds,
        flow.DatagramsReceived,
        flow.DatagramsSent,
        flow.BytesReceived,
        flow.BytesSent,
        flow.Dropped);
}
