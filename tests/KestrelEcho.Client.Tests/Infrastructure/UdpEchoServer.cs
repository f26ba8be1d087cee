using System.Net;
using System.Net.Sockets;

namespace KestrelEcho.Client.Tests.Infrastructure;

/// <summary>
/// A UDP echo on a loopback port chosen at run time, right or wrong on purpose: exact, flipping one byte, dropping
/// some datagrams, late with the first reply, silent, or answering from another port than the one the datagram went to.
/// </summary>
public sealed class UdpEchoServer : IAsyncDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

    private readonly Socket? _replyFrom;

    private readonly CancellationTokenSource _stopping = new();

    private readonly Task _serving;

    private readonly int? _flipAt;

    private readonly int _dropEvery;

    private readonly bool _silent;

    private readonly TimeSpan _firstReplyDelay;

    private long _received;

    private UdpEchoServer(int? flipAt = null, int dropEvery = 0, bool silent = false, bool replyFromAnotherPort = false, TimeSpan firstReplyDelay = default)
    {
        _flipAt = flipAt;
        _firstReplyDelay = firstReplyDelay;
        _dropEvery = dropEvery;
        _silent = silent;
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        if (replyFromAnotherPort)
        {
            _replyFrom = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            _replyFrom.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        }

        _serving = ServeAsync();
    }

    public int Port => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    /// <summary>The port replies come from when it is not <see cref="Port"/>.</summary>
    public int ReplyPort => ((IPEndPoint)(_replyFrom ?? _socket).LocalEndPoint!).Port;

    /// <summary>Datagrams received so far, answered or not.</summary>
    public long Received => Interlocked.Read(ref _received);

    public static UdpEchoServer Exact() => new();

    /// <summary>Echoes every datagram with byte <paramref name="offset"/> inverted.</summary>
    public static UdpEchoServer FlippingByte(int offset) => new(flipAt: offset);

    /// <summary>Echoes every datagram except each <paramref name="every"/>th (the 1st, the n+1th, …), which it drops.</summary>
    public static UdpEchoServer Dropping(int every) => new(dropEvery: every);

    /// <summary>
    /// Holds the reply to the first datagram for <paramref name="delay"/>, receiving nothing meanwhile, then echoes
    /// everything at once: the first reply arrives while the client waits for a later one.
    /// </summary>
    public static UdpEchoServer LateFirstReply(TimeSpan delay) => new(firstReplyDelay: delay);

    /// <summary>Receives and never answers.</summary>
    public static UdpEchoServer Silent() => new(silent: true);

    /// <summary>Echoes exactly, but from a second socket: the reply's source is not where the datagram went.</summary>
    public static UdpEchoServer ReplyingFromAnotherPort() => new(replyFromAnotherPort: true);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _socket.Dispose();
        _replyFrom?.Dispose();
        try
        {
            await _serving;
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopping ends the receive loop this way.
        }

        _stopping.Dispose();
    }

    private async Task ServeAsync()
    {
        var buffer = new byte[64 * 1024];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (!_stopping.IsCancellationRequested)
        {
            var datagram = await _socket.ReceiveFromAsync(buffer, any, _stopping.Token);
            var number = Interlocked.Increment(ref _received);
            if (_silent || (_dropEvery > 0 && (number - 1) % _dropEvery == 0))
            {
                continue;
            }

            if (number == 1 && _firstReplyDelay > TimeSpan.Zero)
            {
                await Task.Delay(_firstReplyDelay, _stopping.Token);
            }

            var echo = buffer.AsMemory(0, datagram.ReceivedBytes);
            if (_flipAt is { } flip && flip < echo.Length)
            {
                echo.Span[flip] ^= 0xFF;
            }

            await (_replyFrom ?? _socket).SendToAsync(echo, datagram.RemoteEndPoint, _stopping.Token);
        }
    }
}
