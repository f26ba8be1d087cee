using System.Net;
using System.Net.Sockets;

namespace KestrelEcho.Client.Tests.Infrastructure;

/// <summary>
/// An echo server that is wrong on purpose, on a loopback port chosen at run time, so tests can show the client
/// notices: it flips one byte of the echo, or echoes only the first bytes and then closes. Or one that speaks first,
/// as a who-am-i listener does: it sends a greeting made from the connection's two ends, then echoes.
/// </summary>
public sealed class BrokenEchoServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

    private readonly CancellationTokenSource _stopping = new();

    private readonly Task _serving;

    private readonly List<Task> _connections = [];

    private readonly long? _flipAt;

    private readonly long? _closeAfter;

    private readonly Func<IPEndPoint, IPEndPoint, byte[]>? _greeting;

    private BrokenEchoServer(long? flipAt, long? closeAfter, Func<IPEndPoint, IPEndPoint, byte[]>? greeting = null)
    {
        _flipAt = flipAt;
        _closeAfter = closeAfter;
        _greeting = greeting;
        _listener.Start();
        _serving = ServeAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Echoes everything, but byte <paramref name="offset"/> comes back inverted.</summary>
    public static BrokenEchoServer FlippingByte(long offset) => new(offset, closeAfter: null);

    /// <summary>Echoes the first <paramref name="count"/> bytes, then closes its side (FIN) and echoes no more.</summary>
    public static BrokenEchoServer ClosingAfter(long count) => new(flipAt: null, count);

    /// <summary>
    /// Sends <paramref name="greeting"/>'s bytes for the connection (the client's end, the server's end) first, then
    /// echoes exactly; with <paramref name="closeAfterGreeting"/> it closes right after the greeting instead.
    /// </summary>
    public static BrokenEchoServer Greeting(Func<IPEndPoint, IPEndPoint, byte[]> greeting, bool closeAfterGreeting = false) =>
        new(flipAt: null, closeAfter: closeAfterGreeting ? 0 : null, greeting);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        try
        {
            await _serving;
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopping ends the accept loop this way.
        }

        await Task.WhenAll(_connections);

        _stopping.Dispose();
    }

    private async Task ServeAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            var socket = await _listener.AcceptSocketAsync(_stopping.Token);
            _connections.Add(EchoWronglyAsync(socket));
        }
    }

    private async Task EchoWronglyAsync(Socket socket)
    {
        using (socket)
        {
            var buffer = new byte[64 * 1024];
            long position = 0;
            var sending = true;
            try
            {
                if (_greeting is not null)
                {
                    await socket.SendAsync(_greeting((IPEndPoint)socket.RemoteEndPoint!, (IPEndPoint)socket.LocalEndPoint!), _stopping.Token);
                    if (_closeAfter == 0)
                    {
                        socket.Shutdown(SocketShutdown.Send);
                        sending = false;
                    }
                }

                int read;
                while ((read = await socket.ReceiveAsync(buffer, _stopping.Token)) > 0)
                {
                    var echo = buffer.AsMemory(0, read);
                    if (_flipAt is { } flip && flip >= position && flip < position + read)
                    {
                        echo.Span[(int)(flip - position)] ^= 0xFF;
                    }

                    if (_closeAfter is { } limit)
                    {
                        echo = echo[..(int)Math.Clamp(limit - position, 0, read)];
                    }

                    position += read;
                    if (sending)
                    {
                        await socket.SendAsync(echo, _stopping.Token);
                    }

                    if (sending && _closeAfter is { } last && position >= last)
                    {
                        // Read on after the FIN so the client's unread bytes do not turn the close into a reset.
                        socket.Shutdown(SocketShutdown.Send);
                        sending = false;
                    }
                }
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException)
            {
                // The client went away or the test is over.
            }
        }
    }
}
