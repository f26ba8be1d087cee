namespace KestrelEcho.Udp;

/// <summary>
/// What the service remembers of one source (address and port): when it was first and last heard from, what it sent
/// and got back, and its rate limit. Changed only under the flow table's lock.
/// </summary>
internal sealed class UdpFlow(UdpFlowKey source, UdpTokenBucket bucket, long now)
{
    public UdpTokenBucket Bucket = bucket;

    public UdpFlowKey Source { get; } = source;

    public long FirstSeenTimestamp { get; } = now;

    public long LastSeenTimestamp { get; set; } = now;

    /// <summary>The address the source last sent to (the answer's source), IPv6 form.</summary>
    public UInt128 LocalAddress { get; set; }

    public long DatagramsReceived { get; set; }

    public long DatagramsSent { get; set; }

    public long BytesReceived { get; set; }

    public long BytesSent { get; set; }

    public long Dropped { get; set; }
}
