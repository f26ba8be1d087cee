using System.Runtime.InteropServices;

namespace KestrelEcho.Udp;

/// <summary>
/// <c>recvmsg</c> and <c>sendmsg</c> on Linux (64-bit layouts), for what .NET's sockets cannot do: send a datagram
/// from a chosen local address (<c>IP_PKTINFO</c>, <c>IPV6_PKTINFO</c>), and receive one with its destination
/// address without allocating an <c>EndPoint</c> per datagram.
/// </summary>
internal static unsafe partial class UdpNative
{
    public const ushort AddressFamilyInet = 2;
    public const ushort AddressFamilyInet6 = 10;
    public const int LevelIp = 0;
    public const int LevelIpv6 = 41;
    public const int IpPacketInfo = 8;
    public const int Ipv6PacketInfo = 50;

    /// <summary>recvmsg returns the datagram's whole length even when it did not fit, and sets it in the flags.</summary>
    public const int MessageTruncated = 0x20;

    public const int ErrorInterrupted = 4;
    public const int ErrorWouldBlock = 11;

    /// <summary>A <c>sockaddr_in6</c>, the larger of the two.</summary>
    public const int SocketAddressSize = 28;

    /// <summary><c>sizeof(struct cmsghdr)</c>: the data that follows starts 8-aligned.</summary>
    public const int ControlHeaderSize = 16;

    /// <summary><c>sizeof(struct in_pktinfo)</c>: ifindex, spec_dst, addr.</summary>
    public const int PacketInfoSize = 12;

    /// <summary><c>sizeof(struct in6_pktinfo)</c>: addr, ifindex.</summary>
    public const int Packet6InfoSize = 20;

    public static int Align(int length) => (length + 7) & ~7;

    [LibraryImport("libc", EntryPoint = "recvmsg", SetLastError = true)]
    public static partial nint ReceiveMessage(nint socket, MessageHeader* message, int flags);

    [LibraryImport("libc", EntryPoint = "sendmsg", SetLastError = true)]
    public static partial nint SendMessage(nint socket, MessageHeader* message, int flags);

    /// <summary><c>struct msghdr</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct MessageHeader
    {
        public byte* Name;
        public uint NameLength;
        public IoVector* Vectors;
        public nuint VectorCount;
        public byte* Control;
        public nuint ControlLength;
        public int Flags;
    }

    /// <summary><c>struct iovec</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct IoVector
    {
        public byte* Base;
        public nuint Length;
    }

    /// <summary><c>struct cmsghdr</c>, followed by its data.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct ControlHeader
    {
        public nuint Length;
        public int Level;
        public int Type;
    }
}
