namespace KestrelEcho.Udp;

/// <summary>
/// The UDP echo's running totals. Only the receive loop writes them, with plain increments; the meter and the drop
/// summary read them when they need them, so a datagram costs no meter call.
/// </summary>
internal sealed class UdpEchoCounters
{
    private static readonly int s_reasonCount = Enum.GetValues<UdpDropReason>().Length;

    private readonly long[] _dropped = new long[s_reasonCount];
    private long _datagramsReceived;
    private long _datagramsSent;
    private long _bytesReceived;
    private long _bytesSent;

    public long DatagramsReceived => Volatile.Read(ref _datagramsReceived);

    public long DatagramsSent => Volatile.Read(ref _datagramsSent);

    public long BytesReceived => Volatile.Read(ref _bytesReceived);

    public long BytesSent => Volatile.Read(ref _bytesSent);

    public long Dropped(UdpDropReason reason) => Volatile.Read(ref _dropped[(int)reason]);

    public void Received(int size)
    {
        _datagramsReceived++;
        _bytesReceived += size;
    }

    public void Sent(int size)
    {
        _datagramsSent++;
        _bytesSent += size;
    }

    public void Drop(UdpDropReason reason) => _dropped[(int)reason]++;
}
