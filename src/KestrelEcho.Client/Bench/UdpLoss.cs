namespace KestrelEcho.Client.Bench;

/// <summary>
/// The datagrams of a UDP run sent in the measured window, those whose reply did not come within the wait (lost),
/// and replies that came after their wait (late: counted lost, then seen).
/// </summary>
internal sealed record UdpLoss(long Sent, long Lost, long Late)
{
    public double LostPercent => Sent == 0 ? 0 : 100.0 * Lost / Sent;
}
