using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using KestrelEcho.Testing;

namespace KestrelEcho.Tests.Infrastructure;

/// <summary>Sends bytes no well-behaved HTTP client would, and reads back the status code.</summary>
public static class RawHttp
{
    /// <summary>
    /// Sends <paramref name="request"/> (each char one byte, so it can carry non-ASCII bytes) and returns the
    /// status code of the response's status line.
    /// </summary>
    public static async Task<int> SendAsync(IPEndPoint endPoint, string request, CancellationToken cancellationToken)
    {
        using var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(endPoint, cancellationToken);
        try
        {
            await socket.SendAllAsync(Encoding.Latin1.GetBytes(request), cancellationToken);
        }
        catch (SocketException)
        {
            // The server may answer and close before it has read everything; its answer is what counts.
        }

        var statusLine = await ReceiveLineAsync(socket, cancellationToken);
        var parts = statusLine.Split(' ', 3);
        Assert.True(parts.Length >= 2 && parts[0].StartsWith("HTTP/", StringComparison.Ordinal), $"Not a status line: '{statusLine}'.");
        return int.Parse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture);
    }

    private static async Task<string> ReceiveLineAsync(Socket socket, CancellationToken cancellationToken)
    {
        var received = new StringBuilder();
        var buffer = new byte[4096];
        while (true)
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                throw new EndOfStreamException($"The server closed without a status line; got '{received}'.");
            }

            received.Append(Encoding.Latin1.GetString(buffer, 0, read));
            var end = received.ToString().IndexOf("\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                return received.ToString(0, end);
            }
        }
    }
}
