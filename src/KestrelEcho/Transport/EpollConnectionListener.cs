using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.AspNetCore.Connections;

namespace KestrelEcho.Transport;

/// <summary>
/// A listening socket watched by every event loop (<c>EPOLLEXCLUSIVE</c>: one loop wakes per incoming connection,
/// and the loop that accepts a connection runs it). Kestrel's accept loop takes the accepted connections from a queue.
/// </summary>
internal sealed class EpollConnectionListener : IConnectionListener
{
    private readonly Socket _socket;
    private readonly EpollEventLoop[] _loops;
    private readonly Channel<EpollConnection> _accepted =
        Channel.CreateUnbounded<EpollConnection>(new UnboundedChannelOptions { SingleReader = true });
    private int _unbound;

    public EpollConnectionListener(IPEndPoint endPoint, EpollEventLoop[] loops, MemoryPool<byte> memoryPool)
    {
        _loops = loops;
        MemoryPool = memoryPool;
        _socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endPoint.Address.Equals(IPAddress.IPv6Any))
            {
                _socket.DualMode = true;
            }

            try
            {
                _socket.Bind(endPoint);
            }
            catch (SocketException exception) when (exception.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                // Kestrel reports it as IOException(AddressInUseException) to the host, as for its own transports.
                throw new AddressInUseException(exception.Message, exception);
            }

            // Kestrel's default backlog.
            _socket.Listen(512);
            _socket.Blocking = false;
        }
        catch
        {
            _socket.Dispose();
            throw;
        }

        EndPoint = _socket.LocalEndPoint!;
        var bound = (IPEndPoint)EndPoint;
        SharedLocalEndPoint = bound.Address.Equals(IPAddress.Any) || bound.Address.Equals(IPAddress.IPv6Any) ? null : bound;
        Fd = (int)_socket.SafeHandle.DangerousGetHandle();
        foreach (var loop in loops)
        {
            loop.Watch(this);
        }
    }

    public EndPoint EndPoint { get; }

    public int Fd { get; }

    /// <summary>
    /// Every accepted connection's local address when the listener is bound to one address: one shared object
    /// instead of a <c>getsockname</c> and an allocation per connection. Null when bound to any address.
    /// </summary>
    public IPEndPoint? SharedLocalEndPoint { get; }

    public MemoryPool<byte> MemoryPool { get; }

    /// <summary>A connection accepted by one of the loops. Loop thread.</summary>
    public void Enqueue(EpollConnection connection)
    {
        if (!_accepted.Writer.TryWrite(connection))
        {
            connection.Abort(new ConnectionAbortedException("The listener was unbound."));
        }
    }

    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await _accepted.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    public async ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _unbound, 1) != 0)
        {
            return;
        }

        // Not cancellable: Kestrel unbinds with a cancelled token after a failed start, and the loops answer at once.
        await Task.WhenAll(_loops.Select(loop => loop.UnwatchAsync(this))).ConfigureAwait(false);
        _accepted.Writer.TryComplete();
    }

    public async ValueTask DisposeAsync()
    {
        await UnbindAsync().ConfigureAwait(false);
        _socket.Dispose();
        // Accepted but never taken by Kestrel: nobody else will close them.
        while (_accepted.Reader.TryRead(out var connection))
        {
            connection.Abort(new ConnectionAbortedException("The listener was disposed."));
        }
    }
}
