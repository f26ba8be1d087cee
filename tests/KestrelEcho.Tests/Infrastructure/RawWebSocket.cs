using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using KestrelEcho.Testing;

namespace KestrelEcho.Tests.Infrastructure;

/// <summary>
/// A WebSocket client over a bare socket, frame by frame (RFC 6455): for what <c>ClientWebSocket</c> hides, such as
/// which frames the server sends, or a ping of the client's own.
/// </summary>
public sealed class RawWebSocket(Socket socket) : IDisposable
{
    public const byte Continuation = 0x0;
    public const byte Text = 0x1;
    public const byte Binary = 0x2;
    public const byte Close = 0x8;
    public const byte Ping = 0x9;
    public const byte Pong = 0xA;

    public Socket Socket { get; } = socket;

    /// <summary>Connects to <paramref name="endPoint"/> and completes the upgrade at <paramref name="path"/>; fails unless the answer is 101.</summary>
    public static async Task<RawWebSocket> ConnectAsync(IPEndPoint endPoint, string path, CancellationToken cancellationToken)
    {
        var socket = await TcpClients.ConnectAsync(endPoint, cancellationToken);
        try
        {
            var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
            var request = $"GET {path} HTTP/1.1\r\nHost: {endPoint}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n";
            await socket.SendAllAsync(Encoding.ASCII.GetBytes(request), cancellationToken);

            // Byte by byte up to the blank line, so no frame that follows the answer is read with it.
            var answer = new StringBuilder();
            while (!answer.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
            {
                answer.Append((char)(await socket.ReceiveExactlyAsync(1, cancellationToken))[0]);
            }

            Assert.StartsWith("HTTP/1.1 101 ", answer.ToString(), StringComparison.Ordinal);
            return new RawWebSocket(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends one frame, masked as a client must.</summary>
    public Task SendFrameAsync(byte opcode, ReadOnlySpan<byte> payload, bool fin, CancellationToken cancellationToken)
    {
        var frame = new List<byte> { (byte)((fin ? 0x80 : 0) | opcode) };
        if (payload.Length < 126)
        {
            frame.Add((byte)(0x80 | payload.Length));
        }
        else
        {
            frame.Add(0x80 | 127);
            var length = new byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(length, (ulong)payload.Length);
            frame.AddRange(length);
        }

        var mask = RandomNumberGenerator.GetBytes(4);
        frame.AddRange(mask);
        for (var i = 0; i < payload.Length; i++)
        {
            frame.Add((byte)(payload[i] ^ mask[i % 4]));
        }

        return Socket.SendAllAsync(frame.ToArray(), cancellationToken);
    }

    /// <summary>Reads one frame the server sent (unmasked, as a server's must be).</summary>
    public async Task<(bool Fin, byte Opcode, byte[] Payload)> ReceiveFrameAsync(CancellationToken cancellationToken)
    {
        var header = await Socket.ReceiveExactlyAsync(2, cancellationToken);
        Assert.True((header[1] & 0x80) == 0, "A server's frames are never masked.");
        long length = header[1] & 0x7F;
        if (length == 126)
        {
            length = BinaryPrimitives.ReadUInt16BigEndian(await Socket.ReceiveExactlyAsync(2, cancellationToken));
        }
        else if (length == 127)
        {
            length = (long)BinaryPrimitives.ReadUInt64BigEndian(await Socket.ReceiveExactlyAsync(8, cancellationToken));
        }

        var payload = length == 0 ? [] : await Socket.ReceiveExactlyAsync((int)length, cancellationToken);
        return ((header[0] & 0x80) != 0, (byte)(header[0] & 0x0F), payload);
    }

    public void Dispose() => Socket.Dispose();
}
