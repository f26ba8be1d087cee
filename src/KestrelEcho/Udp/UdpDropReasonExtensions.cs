namespace KestrelEcho.Udp;

internal static class UdpDropReasonExtensions
{
    /// <summary>The stable name used in the metric's <c>reason</c> tag and the drop summary.</summary>
    public static string ToName(this UdpDropReason reason) => reason switch
    {
        UdpDropReason.RateLimited => "rate_limited",
        UdpDropReason.ReflectorPort => "reflector_port",
        UdpDropReason.PrivilegedPort => "privileged_port",
        UdpDropReason.Oversized => "oversized",
        UdpDropReason.FlowLimit => "flow_limit",
        UdpDropReason.SendFailed => "send_failed",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };
}
