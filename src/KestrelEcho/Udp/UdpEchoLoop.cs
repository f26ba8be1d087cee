using System.Buffers.Binary;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using static KestrelEcho.Udp.UdpNative;

namespace KestrelEcho.Udp;

/// <summary>
/// One socket's receive loop, on a thread of its own: <c>recvmsg</c>, the guards, <c>sendmsg</c> of the same bytes
/// back to the sender from the address the datagram was sent to, as a C echo would do it. Everything it needs is
/// allocated once, in native memory; a datagram allocates nothing. The socket is blocking with a receive timeout,
/// so the loop sees a stop request within <see cref="WakeInterval"/> without a wake-up mechanism of its own.
/// </summary>
internal sealed unsafe partial class UdpEchoLoop(
    Socket socket,
    UdpSourcePorts ports,
    UdpFlowTable flows,
    UdpEchoCounters counters,
    int maxDatagramSize,
    TimeProvider timeProvider,
    ILogger logger)
{
    public static readonly TimeSpan WakeInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>Room for one <c>in6_pktinfo</c> and one <c>in_pktinfo</c>, whichever the kernel sends.</summary>
    private const int ReceiveControlSize = 2 * (ControlHeaderSize + 24);

    private const int SendControlSize = ControlHeaderSize + 24;

    private volatile bool _stopping;

    public void Stop() => _stopping = true;

    public void Run()
    {
        var addedReference = false;
        var data = (byte*)NativeMemory.Alloc((nuint)maxDatagramSize);
        var name = (byte*)NativeMemory.AllocZeroed(SocketAddressSize);
        var receiveControl = (byte*)NativeMemory.AllocZeroed(ReceiveControlSize);
        var sendControl = (byte*)NativeMemory.AllocZeroed(SendControlSize);
        try
        {
            socket.SafeHandle.DangerousAddRef(ref addedReference);
            var handle = socket.SafeHandle.DangerousGetHandle();
            var vector = new IoVector { Base = data };
            var receive = new MessageHeader { Name = name, Vectors = &vector, VectorCount = 1, Control = receiveControl };
            var send = new MessageHeader { Name = name, Vectors = &vector, VectorCount = 1, Control = sendControl };

            while (!_stopping)
            {
                vector.Length = (nuint)maxDatagramSize;
                receive.NameLength = SocketAddressSize;
                receive.ControlLength = ReceiveControlSize;
                receive.Flags = 0;
                var received = ReceiveMessage(handle, &receive, MessageTruncated);
                if (received < 0)
                {
                    var error = Marshal.GetLastPInvokeError();
                    if (error is ErrorWouldBlock or ErrorInterrupted)
                    {
                        continue;
                    }

                    LogReceiveFailed(logger, error);
                    return;
                }

                var size = (int)received;
                counters.Received(size);
                if (size > maxDatagramSize || (receive.Flags & MessageTruncated) != 0)
                {
                    counters.Drop(UdpDropReason.Oversized);
                    continue;
                }

                var source = SourceOf(name);
                if (ports.Refusal(source.Port) is { } refused)
                {
                    counters.Drop(refused);
                    continue;
                }

                var control = receive.ControlLength;
                var local = ReplyControl(receiveControl, (int)control, sendControl, out var sendControlLength);
                if (flows.Admit(source, local, size, timeProvider.GetTimestamp()) is { } limited)
                {
                    counters.Drop(limited);
                    continue;
                }

                vector.Length = (nuint)size;
                send.NameLength = receive.NameLength;
                send.ControlLength = (nuint)sendControlLength;
                send.Control = sendControlLength == 0 ? null : sendControl;
                if (SendMessage(handle, &send, 0) < 0)
                {
                    counters.Drop(UdpDropReason.SendFailed);
                    flows.SendFailed(source, size);
                    continue;
                }

                counters.Sent(size);
            }
        }
        finally
        {
            if (addedReference)
            {
                socket.SafeHandle.DangerousRelease();
            }

            NativeMemory.Free(data);
            NativeMemory.Free(name);
            NativeMemory.Free(receiveControl);
            NativeMemory.Free(sendControl);
        }
    }

    /// <summary>The sender, from a <c>sockaddr_in</c> or <c>sockaddr_in6</c>; IPv4 in its IPv6-mapped form.</summary>
    private static UdpFlowKey SourceOf(byte* name)
    {
        var family = *(ushort*)name;
        var port = BinaryPrimitives.ReadUInt16BigEndian(new ReadOnlySpan<byte>(name + 2, 2));
        return family == AddressFamilyInet
            ? new UdpFlowKey(MappedIPv4(name + 4), port)
            : new UdpFlowKey(BinaryPrimitives.ReadUInt128BigEndian(new ReadOnlySpan<byte>(name + 8, 16)), port);
    }

    /// <summary>
    /// Reads the datagram's destination from its packet information and writes the control message that makes the
    /// answer leave from it. An IPv4 answer goes out with the kernel's <c>ipi_spec_dst</c> (the destination itself
    /// for unicast) and no interface, so routing picks the way back; an IPv6 answer keeps the interface, which a
    /// link-local address needs. Returns the destination, IPv6 form (IPv4 mapped).
    /// </summary>
    private static UInt128 ReplyControl(byte* received, int receivedLength, byte* reply, out int replyLength)
    {
        replyLength = 0;
        var offset = 0;
        while (offset + ControlHeaderSize <= receivedLength)
        {
            var header = (ControlHeader*)(received + offset);
            var length = (int)header->Length;
            if (length < ControlHeaderSize || offset + length > receivedLength)
            {
                break;
            }

            var payload = received + offset + ControlHeaderSize;
            if (header->Level == LevelIp && header->Type == IpPacketInfo && length >= ControlHeaderSize + PacketInfoSize)
            {
                Write(reply, LevelIp, IpPacketInfo, PacketInfoSize);
                var info = reply + ControlHeaderSize;
                *(int*)info = 0;
                *(uint*)(info + 4) = *(uint*)(payload + 4);
                *(uint*)(info + 8) = 0;
                replyLength = ControlHeaderSize + Align(PacketInfoSize);
                return MappedIPv4(payload + 8);
            }

            if (header->Level == LevelIpv6 && header->Type == Ipv6PacketInfo && length >= ControlHeaderSize + Packet6InfoSize)
            {
                Write(reply, LevelIpv6, Ipv6PacketInfo, Packet6InfoSize);
                Buffer.MemoryCopy(payload, reply + ControlHeaderSize, Packet6InfoSize, Packet6InfoSize);
                replyLength = ControlHeaderSize + Align(Packet6InfoSize);
                return BinaryPrimitives.ReadUInt128BigEndian(new ReadOnlySpan<byte>(payload, 16));
            }

            offset += Align(length);
        }

        return UInt128.Zero;
    }

    private static void Write(byte* control, int level, int type, int dataLength)
    {
        var header = (ControlHeader*)control;
        header->Length = (nuint)(ControlHeaderSize + dataLength);
        header->Level = level;
        header->Type = type;
    }

    private static UInt128 MappedIPv4(byte* address) =>
        new UInt128(0, 0xFFFF_0000_0000UL | BinaryPrimitives.ReadUInt32BigEndian(new ReadOnlySpan<byte>(address, 4)));

    [LoggerMessage(1, LogLevel.Error, "The UDP echo stopped: recvmsg failed with errno {Errno}", EventName = "UdpReceiveFailed")]
    private static partial void LogReceiveFailed(ILogger logger, int errno);
}
