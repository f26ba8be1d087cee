namespace KestrelEcho.Udp;

/// <summary>
/// A source's allowance in datagrams and in bytes, refilled from the time elapsed since its last datagram: no timer,
/// one clock reading per datagram. A mutable struct, kept in a field and changed in place.
/// </summary>
internal struct UdpTokenBucket
{
    private double _packets;
    private double _bytes;
    private long _refilledAt;

    /// <summary>Full: a new source may send its whole burst at once.</summary>
    public static UdpTokenBucket Full(UdpRateLimits limits, long now) => new()
    {
        _packets = limits.PacketBurst,
        _bytes = limits.ByteBurst,
        _refilledAt = now,
    };

    /// <summary>Takes one datagram of <paramref name="size"/> bytes when both allowances have room for it.</summary>
    public bool TryTake(int size, UdpRateLimits limits, long now, long timestampFrequency)
    {
        var seconds = (double)(now - _refilledAt) / timestampFrequency;
        _refilledAt = now;

        var packetsOk = true;
        if (limits.PacketsPerSecond > 0)
        {
            _packets = Math.Min(limits.PacketBurst, _packets + (seconds * limits.PacketsPerSecond));
            packetsOk = _packets >= 1;
        }

        var bytesOk = true;
        if (limits.BytesPerSecond > 0)
        {
            _bytes = Math.Min(limits.ByteBurst, _bytes + (seconds * limits.BytesPerSecond));
            bytesOk = _bytes >= size;
        }

        if (!packetsOk || !bytesOk)
        {
            return false;
        }

        _packets -= 1;
        _bytes -= size;
        return true;
    }
}
