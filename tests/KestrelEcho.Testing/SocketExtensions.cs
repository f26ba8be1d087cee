using System.Buffers;
using System.Diagnostics;
using System.Net.Sockets;

namespace KestrelEcho.Testing;

public static class SocketExtensions
{
    private static readonly TimeSpan s_blockedPause = TimeSpan.FromMilliseconds(20);

    public static async Task SendAllAsync(this Socket socket, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (!data.IsEmpty)
        {
            var sent = await socket.SendAsync(data, SocketFlags.None, cancellationToken);
            data = data[sent..];
        }
    }

    public static async Task<byte[]> ReceiveExactlyAsync(this Socket socket, int count, CancellationToken cancellationToken)
    {
        var buffer = new byte[count];
        var received = 0;
        while (received < count)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(received), SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                throw new EndOfStreamException($"The server closed after {received} of {count} bytes.");
            }

            received += read;
        }

        return buffer;
    }

    /// <summary>Reads until the server's FIN; returns everything read.</summary>
    public static async Task<byte[]> ReceiveToEndAsync(this Socket socket, CancellationToken cancellationToken)
    {
        var received = new ArrayBufferWriter<byte>();
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken)) > 0)
        {
            received.Write(buffer.AsSpan(0, read));
        }

        return received.WrittenSpan.ToArray();
    }

    /// <summary>
    /// The first bytes the server sends: none when it closes the connection (with FIN, or a reset) without a word;
    /// a failure when it neither sends nor closes within the test's time.
    /// </summary>
    public static async Task<byte[]> ReceiveFirstAsync(this Socket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        try
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
            return buffer[..read];
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.ConnectionReset)
        {
            return [];
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Assert.Fail("The service neither answered nor closed the connection before the test's time ran out.");
            throw;
        }
    }

    /// <summary>
    /// Reads until the server closes, by FIN or by reset (a server refusing a client that already sent data may
    /// reset it); returns everything read before.
    /// </summary>
    public static async Task<byte[]> ReceiveUntilClosedAsync(this Socket socket, CancellationToken cancellationToken)
    {
        var received = new ArrayBufferWriter<byte>();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken)) > 0)
            {
                received.Write(buffer.AsSpan(0, read));
            }
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.ConnectionReset)
        {
        }

        return received.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Reads until the connection ends: returns what was read and how it ended, <see cref="SocketError.Success"/> for
    /// the server's FIN, <see cref="SocketError.ConnectionReset"/> for its RST (after whatever arrived before it).
    /// </summary>
    public static async Task<(byte[] Received, SocketError Error)> ReceiveUntilErrorAsync(this Socket socket, CancellationToken cancellationToken)
    {
        var received = new ArrayBufferWriter<byte>();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken)) > 0)
            {
                received.Write(buffer.AsSpan(0, read));
            }

            return (received.WrittenSpan.ToArray(), SocketError.Success);
        }
        catch (SocketException exception)
        {
            return (received.WrittenSpan.ToArray(), exception.SocketErrorCode);
        }
    }

    /// <summary>
    /// Writes without reading until the connection takes no more for <paramref name="quiet"/>: every buffer between
    /// this client and the server's echo loop is full (or the server stopped reading). <paramref name="fill"/> writes
    /// the bytes for a stream offset into a chunk; stops at <paramref name="ceiling"/> bytes. Returns the bytes the
    /// kernel took, exactly. Non-blocking sends and an awaited pause between tries: no thread waits on the socket.
    /// </summary>
    public static async Task<long> SendUntilBlockedAsync(
        this Socket socket, Action<byte[], long> fill, TimeSpan quiet, long ceiling, CancellationToken cancellationToken)
    {
        var chunk = new byte[64 * 1024];
        long sent = 0;
        var lastProgress = Stopwatch.GetTimestamp();
        socket.Blocking = false;
        try
        {
            while (sent < ceiling && Stopwatch.GetElapsedTime(lastProgress) < quiet)
            {
                fill(chunk, sent);
                var written = socket.Send(chunk, 0, (int)Math.Min(chunk.Length, ceiling - sent), SocketFlags.None, out var error);
                if (written > 0)
                {
                    sent += written;
                    lastProgress = Stopwatch.GetTimestamp();
                }
                else if (error == SocketError.WouldBlock)
                {
                    await Task.Delay(s_blockedPause, cancellationToken);
                }
                else
                {
                    throw new SocketException((int)error);
                }
            }

            return sent;
        }
        finally
        {
            socket.Blocking = true;
        }
    }

    /// <summary>Closes with RST instead of FIN, as a crashed or impatient client does.</summary>
    public static void Reset(this Socket socket)
    {
        socket.LingerState = new LingerOption(enable: true, seconds: 0);
        socket.Close();
    }

    /// <summary>The classic exchange: sends "Hola mundo" and asserts it comes straight back.</summary>
    public static async Task AssertHolaMundoEchoedAsync(this Socket socket, CancellationToken cancellationToken)
    {
        var hello = "Hola mundo"u8.ToArray();
        await socket.SendAllAsync(hello, cancellationToken);
        Assert.Equal(hello, await socket.ReceiveExactlyAsync(hello.Length, cancellationToken));
    }
}
