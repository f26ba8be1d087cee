using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace KestrelEcho.Transport;

/// <summary>
/// One thread, one epoll instance, level-triggered: it accepts from the listeners it watches and runs every
/// connection it accepted. Readable data goes straight from <c>recv</c> into the connection's input pipe, whose reader
/// (the echo loop) runs inline, writes its output and sends it inline, all before the next <c>epoll_wait</c>: one
/// <c>epoll_wait</c>, one <c>recv</c> and one <c>send</c> a round trip, as in the C reference.
/// Other threads hand work to the loop through <see cref="Post"/> (an eventfd wakes it). Closing a file descriptor
/// happens only here, after a batch of events, so no event in a batch can name a descriptor that was closed and
/// reused meanwhile.
/// </summary>
internal sealed unsafe class EpollEventLoop
{
    private const int MaxEvents = 256;
    private const ulong WakeData = ulong.MaxValue;
    private const ulong ListenerTag = 1UL << 62;

    private readonly int _epoll;
    private readonly int _wakeFd;
    private readonly ConcurrentQueue<Action> _posted = new();
    private readonly List<EpollConnectionListener?> _listeners = [];
    private EpollConnection?[] _connections = new EpollConnection?[256];
    private int _threadId;
    private int _wakePending;

    public EpollEventLoop(string name)
    {
        _epoll = LibC.EpollCreate1(LibC.EPOLL_CLOEXEC);
        _wakeFd = LibC.EventFd(0, LibC.EFD_NONBLOCK | LibC.EFD_CLOEXEC);
        if (_epoll < 0 || _wakeFd < 0)
        {
            throw new InvalidOperationException($"epoll_create1/eventfd failed (errno {Marshal.GetLastPInvokeError()}).");
        }

        Check(LibC.EpollControl(_epoll, LibC.EPOLL_CTL_ADD, _wakeFd, LibC.EPOLLIN, WakeData));
        var thread = new Thread(Run) { IsBackground = true, Name = name };
        thread.UnsafeStart();
    }

    public bool IsLoopThread => Environment.CurrentManagedThreadId == Volatile.Read(ref _threadId);

    /// <summary>Runs <paramref name="work"/> on the loop thread, after the current batch of events.</summary>
    public void Post(Action work)
    {
        _posted.Enqueue(work);
        if (!IsLoopThread && Interlocked.Exchange(ref _wakePending, 1) == 0)
        {
            ulong one = 1;
            _ = LibC.Write(_wakeFd, &one, sizeof(ulong));
        }
    }

    /// <summary>Starts accepting from <paramref name="listener"/> on this loop (several loops may share it).</summary>
    public void Watch(EpollConnectionListener listener) => Post(() =>
    {
        _listeners.Add(listener);
        var data = ListenerTag | (uint)(_listeners.Count - 1);
        Check(LibC.EpollControl(_epoll, LibC.EPOLL_CTL_ADD, listener.Fd, LibC.EPOLLIN | LibC.EPOLLEXCLUSIVE, data));
    });

    /// <summary>Stops accepting from <paramref name="listener"/>; the task completes once the loop no longer touches it.</summary>
    public Task UnwatchAsync(EpollConnectionListener listener)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(() =>
        {
            var index = _listeners.IndexOf(listener);
            if (index >= 0)
            {
                _listeners[index] = null;
                _ = LibC.EpollControl(_epoll, LibC.EPOLL_CTL_DEL, listener.Fd, 0, 0);
            }

            done.SetResult();
        });
        return done.Task;
    }

    /// <summary>Changes what the loop waits for on a connection (any thread); 0 or errno.</summary>
    public int Modify(int fd, uint events) => LibC.EpollControl(_epoll, LibC.EPOLL_CTL_MOD, fd, events, (uint)fd);

    /// <summary>Stops watching a connection (any thread; the descriptor stays open); 0 or errno.</summary>
    public int Forget(int fd) => LibC.EpollControl(_epoll, LibC.EPOLL_CTL_DEL, fd, 0, 0);

    /// <summary>Closes a connection's descriptor. Loop thread only, outside a batch of events (from posted work).</summary>
    public void Release(EpollConnection connection)
    {
        if ((uint)connection.Fd < (uint)_connections.Length && _connections[connection.Fd] == connection)
        {
            _connections[connection.Fd] = null;
        }

        _ = LibC.Close(connection.Fd);
    }

    private void Run()
    {
        Volatile.Write(ref _threadId, Environment.CurrentManagedThreadId);
        var events = stackalloc byte[MaxEvents * LibC.EpollEventSize];
        var eventSize = LibC.EpollEventSize;
        var dataOffset = LibC.EpollDataOffset;
        while (true)
        {
            var count = LibC.EpollWait(_epoll, events, MaxEvents, -1);
            for (var i = 0; i < count; i++)
            {
                var entry = events + i * eventSize;
                var flags = Unsafe.ReadUnaligned<uint>(entry);
                var data = Unsafe.ReadUnaligned<ulong>(entry + dataOffset);
                try
                {
                    Dispatch(flags, data);
                }
                catch (Exception exception)
                {
                    // Whatever one connection's code throws must not stop every other connection on this loop.
                    Environment.FailFast("epoll transport: an event handler threw", exception);
                }
            }

            RunPosted();
        }
    }

    private void Dispatch(uint flags, ulong data)
    {
        if (data == WakeData)
        {
            ulong value;
            _ = LibC.Read(_wakeFd, &value, sizeof(ulong));
            Volatile.Write(ref _wakePending, 0);
        }
        else if ((data & ListenerTag) != 0)
        {
            if (_listeners[(int)(uint)data] is { } listener)
            {
                AcceptFrom(listener);
            }
        }
        else if ((uint)data < (uint)_connections.Length && _connections[(int)(uint)data] is { } connection)
        {
            connection.OnEvents(flags);
        }
    }

    private void AcceptFrom(EpollConnectionListener listener)
    {
        var address = stackalloc byte[NativeSocketAddress.MaxSize];
        // A bounded batch: a flood of connections must not starve the connections already open.
        for (var i = 0; i < 64; i++)
        {
            uint length = NativeSocketAddress.MaxSize;
            var fd = LibC.Accept4(listener.Fd, address, &length, LibC.SOCK_NONBLOCK | LibC.SOCK_CLOEXEC);
            if (fd < 0)
            {
                return;
            }

            var noDelay = 1;
            _ = LibC.SetSockOpt(fd, LibC.IPPROTO_TCP, LibC.TCP_NODELAY, &noDelay, sizeof(int));
            // Both addresses now: Kestrel reads them again after the descriptor is closed (its metrics, our close log).
            var local = listener.SharedLocalEndPoint ?? NativeSocketAddress.OfSocket(fd);
            var connection = new EpollConnection(this, fd, local, NativeSocketAddress.ToEndPoint(address, length), listener.MemoryPool);
            if (fd >= _connections.Length)
            {
                Array.Resize(ref _connections, Math.Max(fd + 1, _connections.Length * 2));
            }

            _connections[fd] = connection;
            if (LibC.EpollControl(_epoll, LibC.EPOLL_CTL_ADD, fd, LibC.EPOLLIN, (uint)fd) != 0)
            {
                _connections[fd] = null;
                _ = LibC.Close(fd);
                continue;
            }

            connection.Start();
            listener.Enqueue(connection);
        }
    }

    private void RunPosted()
    {
        while (_posted.TryDequeue(out var work))
        {
            work();
        }
    }

    private static void Check(int errno)
    {
        if (errno != 0)
        {
            throw new InvalidOperationException($"epoll_ctl failed (errno {errno}).");
        }
    }
}
