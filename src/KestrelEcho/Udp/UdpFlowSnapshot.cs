using System.Net;

namespace KestrelEcho.Udp;

/// <summary>A flow's values at one moment, copied out of the flow table for <c>/connections?transport=udp</c>.</summary>
internal sealed record UdpFlowSnapshot(
    IPEndPoint Remote,
    IPEndPoint Local,
    long FirstSeenTimestamp,
    long LastSeenTimestamp,
    long DatagramsReceived,
    long DatagramsSent,
    long BytesReceived,
    long BytesSent,
    long Dropped);
