using System.Buffers.Binary;
using System.Net;

namespace KestrelEcho.Transport;

/// <summary>Reads the kernel's <c>sockaddr_in</c>/<c>sockaddr_in6</c> (what accept4 and getsockname fill in) as an <see cref="IPEndPoint"/>.</summary>
internal static unsafe class NativeSocketAddress
{
    /// <summary>Big enough for any address family (<c>sizeof(struct sockaddr_storage)</c>).</summary>
    public const int MaxSize = 128;

    private const ushort AfInet = 2;
    private const ushort AfInet6 = 10;

    public static IPEndPoint? ToEndPoint(byte* address, uint length)
    {
        var bytes = new ReadOnlySpan<byte>(address, (int)Math.Min(length, MaxSize));
        if (bytes.Length < 2)
        {
            return null;
        }

        var family = BitConverter.ToUInt16(bytes);
        if (family == AfInet && bytes.Length >= 8)
        {
            return new IPEndPoint(new IPAddress(bytes.Slice(4, 4)), BinaryPrimitives.ReadUInt16BigEndian(bytes[2..]));
        }

        if (family == AfInet6 && bytes.Length >= 28)
        {
            var scope = BitConverter.ToUInt32(bytes[24..]);
            return new IPEndPoint(new IPAddress(bytes.Slice(8, 16), scope), BinaryPrimitives.ReadUInt16BigEndian(bytes[2..]));
        }

        return null;
    }

    /// <summary>The local address of a connected socket.</summary>
    public static IPEndPoint? OfSocket(int fd)
    {
        var address = stackalloc byte[MaxSize];
        uint length = MaxSize;
        return LibC.GetSockName(fd, address, &length) == 0 ? ToEndPoint(address, length) : null;
    }
}
