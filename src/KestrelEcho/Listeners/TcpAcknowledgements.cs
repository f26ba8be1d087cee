using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace KestrelEcho.Listeners;

/// <summary>
/// Waits, before a deliberate reset, until the client has acknowledged everything sent on the socket: an RST drops
/// whatever the kernel still holds unsent or unacknowledged, so without this the client would get fewer bytes than
/// <c>ResetAfterBytes</c> promised. Reads Linux's <c>TCP_INFO</c>; elsewhere it waits for nothing.
/// </summary>
internal static class TcpAcknowledgements
{
    private const int IpProtocolTcp = 6;
    private const int TcpInfo = 11;

    // Offsets in Linux's struct tcp_info, in the host's byte order (include/uapi/linux/tcp.h), stable since the fields were added.
    private const int UnackedOffset = 24;
    private const int BytesAckedOffset = 120;
    private const int NotSentOffset = 144;
    private const int InfoLength = 148;

    private static readonly TimeSpan s_poll = TimeSpan.FromMilliseconds(5);
    private const int MaxPolls = 400;

    /// <summary>
    /// Returns once the kernel holds nothing unsent or unacknowledged and at least <paramref name="minimumAcked"/>
    /// bytes were acknowledged, unchanged over two readings (a TLS record may still be on its way from the pipe),
    /// or after about two seconds of a client that does not acknowledge.
    /// </summary>
    public static async Task WaitAsync(Socket socket, long minimumAcked, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var info = new byte[InfoLength];
        long lastAcked = -1;
        for (var poll = 0; poll < MaxPolls; poll++)
        {
            if (!TryRead(socket, info))
            {
                return;
            }

            var acked = MemoryMarshal.Read<long>(info.AsSpan(BytesAckedOffset));
            var idle = MemoryMarshal.Read<uint>(info.AsSpan(UnackedOffset)) == 0
                && MemoryMarshal.Read<uint>(info.AsSpan(NotSentOffset)) == 0;
            if (idle && acked >= minimumAcked && acked == lastAcked)
            {
                return;
            }

            lastAcked = acked;
            await Task.Delay(s_poll, timeProvider, cancellationToken);
        }
    }

    private static bool TryRead(Socket socket, byte[] info)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            return socket.GetRawSocketOption(IpProtocolTcp, TcpInfo, info) >= InfoLength;
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }
}
