namespace KestrelEcho.Udp;

/// <summary>One source's token buckets, in the units they are kept in; a rate of 0 is no limit on that count.</summary>
internal sealed record UdpRateLimits(double PacketsPerSecond, double PacketBurst, double BytesPerSecond)
{
    public static UdpRateLimits Of(EchoUdpOptions options) => new(
        options.PacketsPerSecondPerClient,
        options.BurstPerClient,
        options.BytesPerSecondPerClient);

    /// <summary>The byte bucket holds one second's worth.</summary>
    public double ByteBurst => BytesPerSecond;
}
