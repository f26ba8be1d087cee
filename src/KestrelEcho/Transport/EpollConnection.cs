using System.Buffers;
using System.Collections;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using KestrelEcho.Hosting;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;

namespace KestrelEcho.Transport;

/// <summary>
/// One accepted TCP connection on an <see cref="EpollEventLoop"/>: Kestrel's <see cref="ConnectionContext"/> over two
/// pipes, and its own feature collection (no dictionary until someone sets a feature of their own).
/// Input: on <c>EPOLLIN</c> the loop receives into the input pipe's next block and flushes; the reader runs inline.
/// A block is taken only when the socket is readable, so an idle connection holds none. When the reader falls
/// behind (the pipe holds <see cref="EchoSocketTransport.MaxUnreadInputBytes"/>) the loop stops watching
/// <c>EPOLLIN</c> until the flush completes.
/// Output: a send loop awaits the output pipe (it continues inline inside the writer's flush) and sends right away;
/// only when the socket is full does it arm <c>EPOLLOUT</c> and wait.
/// Lifetime, as Kestrel's socket transport: the client's FIN or reset completes the input (and fires
/// <see cref="ConnectionClosed"/>); the end of the output (completed by the application, or aborted) shuts the socket
/// down and closes it, on the loop thread, once no send can still be running.
/// </summary>
internal sealed class EpollConnection : ConnectionContext, IDuplexPipe, IFeatureCollection,
    IConnectionIdFeature, IConnectionTransportFeature, IConnectionItemsFeature, IConnectionEndPointFeature,
    IConnectionLifetimeFeature, IConnectionSocketFeature, IMemoryPoolFeature, IConnectionResetFeature
{
    private static long s_lastId;

    private readonly EpollEventLoop _loop;
    private readonly Pipe _input;
    private readonly Pipe _output;
    private readonly EpollWritableSignal _writable = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly long _id;
    private readonly Lock _lock = new();

    private string? _connectionId;
    private IDictionary<object, object?>? _items;
    private Dictionary<Type, object>? _otherFeatures;
    private int _featureRevision;
    private IDuplexPipe _transport;
    private EndPoint? _localEndPoint;
    private EndPoint? _remoteEndPoint;
    private Socket? _socket;
    private CancellationTokenSource? _closedSource;

    private ConnectionAbortedException? _shutdownReason;
    private volatile InputState _inputState;
    private volatile bool _sendWaiting;
    private uint _watched = LibC.EPOLLIN;
    private bool _watching = true;
    private bool _shutDown;
    private bool _resetOnClose;
    private bool _fdClosed;

    public EpollConnection(EpollEventLoop loop, int fd, EndPoint? localEndPoint, EndPoint? remoteEndPoint, MemoryPool<byte> pool)
    {
        _loop = loop;
        Fd = fd;
        _localEndPoint = localEndPoint;
        _remoteEndPoint = remoteEndPoint;
        _id = Interlocked.Increment(ref s_lastId);
        _transport = this;
        MemoryPool = pool;
        _input = new Pipe(new PipeOptions(pool, PipeScheduler.Inline, PipeScheduler.Inline,
            pauseWriterThreshold: EchoSocketTransport.MaxUnreadInputBytes, resumeWriterThreshold: EchoSocketTransport.MaxUnreadInputBytes / 2,
            useSynchronizationContext: false));
        _output = new Pipe(new PipeOptions(pool, PipeScheduler.Inline, PipeScheduler.Inline,
            pauseWriterThreshold: 64 * 1024, resumeWriterThreshold: 32 * 1024, useSynchronizationContext: false));
    }

    private enum InputState
    {
        Reading,
        Paused,
        Done,
    }

    public int Fd { get; }

    public MemoryPool<byte> MemoryPool { get; }

    // ConnectionContext and the transport features.
    public override string ConnectionId
    {
        get => _connectionId ??= "E" + _id.ToString("X12", System.Globalization.CultureInfo.InvariantCulture);
        set => _connectionId = value;
    }

    public override IFeatureCollection Features => this;

    public override IDictionary<object, object?> Items
    {
        get => _items ??= new Dictionary<object, object?>();
        set => _items = value;
    }

    public override IDuplexPipe Transport
    {
        get => _transport;
        set => _transport = value;
    }

    public override EndPoint? LocalEndPoint
    {
        get => _localEndPoint;
        set => _localEndPoint = value;
    }

    public override EndPoint? RemoteEndPoint
    {
        get => _remoteEndPoint;
        set => _remoteEndPoint = value;
    }

    public override CancellationToken ConnectionClosed
    {
        get
        {
            lock (_lock)
            {
                if (_inputState == InputState.Done)
                {
                    return new CancellationToken(canceled: true);
                }

                return (_closedSource ??= new CancellationTokenSource()).Token;
            }
        }
        set => throw new NotSupportedException();
    }

    /// <summary>
    /// A <see cref="Socket"/> over the connection's descriptor, for socket options and TCP_INFO. It does not own the
    /// descriptor: disposing it leaves the connection open (reset through <see cref="Reset"/>).
    /// </summary>
    public Socket Socket => _socket ??= new Socket(new SafeSocketHandle(Fd, ownsHandle: false));

    // IDuplexPipe: the application's ends of the two pipes.
    PipeReader IDuplexPipe.Input => _input.Reader;

    PipeWriter IDuplexPipe.Output => _output.Writer;

    // IFeatureCollection: the transport's own features are this object; anything set later goes to a dictionary.
    bool IFeatureCollection.IsReadOnly => false;

    int IFeatureCollection.Revision => _featureRevision;

    object? IFeatureCollection.this[Type key]
    {
        get
        {
            if (_otherFeatures is not null && _otherFeatures.TryGetValue(key, out var feature))
            {
                return feature;
            }

            return IsOwnFeature(key) ? this : null;
        }
        set
        {
            _otherFeatures ??= [];
            if (value is null)
            {
                _otherFeatures.Remove(key);
            }
            else
            {
                _otherFeatures[key] = value;
            }

            _featureRevision++;
        }
    }

    TFeature? IFeatureCollection.Get<TFeature>() where TFeature : default => (TFeature?)((IFeatureCollection)this)[typeof(TFeature)];

    void IFeatureCollection.Set<TFeature>(TFeature? instance) where TFeature : default => ((IFeatureCollection)this)[typeof(TFeature)] = instance;

    IEnumerator<KeyValuePair<Type, object>> IEnumerable<KeyValuePair<Type, object>>.GetEnumerator()
    {
        foreach (var type in s_ownFeatures)
        {
            if (_otherFeatures is null || !_otherFeatures.ContainsKey(type))
            {
                yield return new KeyValuePair<Type, object>(type, this);
            }
        }

        if (_otherFeatures is not null)
        {
            foreach (var pair in _otherFeatures)
            {
                yield return pair;
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable<KeyValuePair<Type, object>>)this).GetEnumerator();

    private static readonly Type[] s_ownFeatures =
    [
        typeof(IConnectionIdFeature), typeof(IConnectionTransportFeature), typeof(IConnectionItemsFeature),
        typeof(IConnectionEndPointFeature), typeof(IConnectionLifetimeFeature), typeof(IConnectionSocketFeature),
        typeof(IMemoryPoolFeature), typeof(IConnectionResetFeature),
    ];

    private static bool IsOwnFeature(Type key) => Array.IndexOf(s_ownFeatures, key) >= 0;

    /// <summary>Starts the send loop. Loop thread, right after accept.</summary>
    public void Start() => _ = SendLoopAsync();

    /// <summary>Readiness reported by epoll. Loop thread.</summary>
    public void OnEvents(uint events)
    {
        const uint Broken = LibC.EPOLLERR | LibC.EPOLLHUP;
        if (_sendWaiting && (events & (LibC.EPOLLOUT | Broken)) != 0)
        {
            _sendWaiting = false;
            Watch();
            _writable.Signal();
        }

        if ((events & (LibC.EPOLLIN | Broken)) == 0)
        {
            return;
        }

        if (_inputState == InputState.Reading)
        {
            try
            {
                Receive();
            }
            catch (Exception exception)
            {
                // The pool failing to give a block (or anything else unexpected while receiving): as Kestrel's
                // socket transport, the input completes with the failure as it is, and the reader rethrows it.
                EndInput(exception);
            }
        }
        else if ((events & Broken) != 0)
        {
            // Not reading (paused or done), but the connection broke: epoll reports that whatever we watch, so stop
            // watching it at all, and tell the send loop and the reader.
            lock (_lock)
            {
                StopWatchingLocked();
            }

            EndInput(new ConnectionResetException("The connection was reset by the peer."));
            _output.Reader.CancelPendingRead();
        }
    }

    private unsafe void Receive()
    {
        var writer = _input.Writer;
        var memory = writer.GetMemory();
        nint received;
        fixed (byte* buffer = memory.Span)
        {
            received = LibC.Recv(Fd, buffer, (nuint)memory.Length, 0);
        }

        if (received > 0)
        {
            writer.Advance((int)received);
            var flush = writer.FlushAsync();
            if (!flush.IsCompleted)
            {
                _inputState = InputState.Paused;
                Watch();
                _ = ResumeAfterFlushAsync(flush);
            }
            else if (flush.Result.IsCompleted)
            {
                // The application completed its input: nothing more to read for it.
                EndInput(null);
            }

            return;
        }

        if (received == 0)
        {
            EndInput(null);
            return;
        }

        var errno = Marshal.GetLastPInvokeError();
        if (errno is LibC.EAGAIN or LibC.EINTR)
        {
            return;
        }

        EndInput(CallFailed("recv", errno));
    }

    private async Task ResumeAfterFlushAsync(ValueTask<FlushResult> flush)
    {
        FlushResult result;
        try
        {
            result = await flush;
        }
        catch (Exception exception)
        {
            EndInput(exception);
            return;
        }

        if (result.IsCompleted)
        {
            EndInput(null);
            return;
        }

        lock (_lock)
        {
            if (_inputState == InputState.Paused)
            {
                _inputState = InputState.Reading;
            }
        }

        Watch();
    }

    /// <summary>The client's FIN, a reset, or nobody left to read: completes the input and fires ConnectionClosed.</summary>
    private void EndInput(Exception? error)
    {
        CancellationTokenSource? closedSource;
        lock (_lock)
        {
            if (_inputState == InputState.Done)
            {
                return;
            }

            _inputState = InputState.Done;
            closedSource = _closedSource;
        }

        Watch();
        _input.Writer.Complete(_shutdownReason ?? error);
        if (closedSource is not null)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static source => source.Cancel(), closedSource, preferLocal: false);
        }
    }

    /// <summary>Takes the descriptor out of epoll for good (a broken connection, or the close). Under the lock.</summary>
    private void StopWatchingLocked()
    {
        if (_watching && !_fdClosed)
        {
            _watching = false;
            _ = _loop.Forget(Fd);
        }
    }

    /// <summary>A failed <c>recv</c> or <c>send</c>: the connection is gone, as Kestrel's socket transport reports it.</summary>
    private static ConnectionResetException CallFailed(string call, int errno)
    {
        var error = new SocketException(errno);
        return new ConnectionResetException($"{call} failed: {error.Message}", error);
    }

    /// <summary>Makes epoll watch what the connection waits for now. Any thread.</summary>
    private void Watch()
    {
        lock (_lock)
        {
            var wanted = (_inputState == InputState.Reading ? LibC.EPOLLIN : 0) | (_sendWaiting ? LibC.EPOLLOUT : 0);
            if (!_watching || _fdClosed || wanted == _watched)
            {
                return;
            }

            _watched = wanted;
            _ = _loop.Modify(Fd, wanted);
        }
    }

    private async Task SendLoopAsync()
    {
        var reader = _output.Reader;
        Exception? unexpected = null;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync();
                if (result.IsCanceled)
                {
                    break;
                }

                var buffer = result.Buffer;
                while (!TrySend(ref buffer))
                {
                    var writable = _writable.Reset();
                    _sendWaiting = true;
                    Watch();
                    await writable;
                }

                reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (ConnectionResetException exception)
        {
            lock (_lock)
            {
                _shutdownReason ??= new ConnectionAbortedException(exception.Message, exception);
            }
        }
        catch (ConnectionAbortedException)
        {
            // Aborted while waiting to send: the reason is already set.
        }
        catch (Exception exception)
        {
            unexpected = exception;
        }

        await reader.CompleteAsync(unexpected);
        _loop.Post(Close);
    }

    /// <summary>Sends what it can of <paramref name="buffer"/>; false when the socket is full (the rest stays in it).</summary>
    private unsafe bool TrySend(ref ReadOnlySequence<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            var span = buffer.FirstSpan;
            if (span.IsEmpty)
            {
                buffer = buffer.Slice(buffer.GetPosition(0, buffer.Start));
                continue;
            }

            nint sent;
            fixed (byte* bytes = span)
            {
                sent = LibC.Send(Fd, bytes, (nuint)span.Length, LibC.MSG_NOSIGNAL | LibC.MSG_DONTWAIT);
            }

            if (sent >= 0)
            {
                buffer = buffer.Slice(sent);
                continue;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno == LibC.EAGAIN)
            {
                return false;
            }

            if (errno != LibC.EINTR)
            {
                throw CallFailed("send", errno);
            }
        }

        return true;
    }

    public override void Abort(ConnectionAbortedException abortReason)
    {
        lock (_lock)
        {
            if (_fdClosed)
            {
                return;
            }

            _shutdownReason ??= abortReason;
            if (!_shutDown && !_resetOnClose)
            {
                // As Kestrel's socket transport: a FIN now, so the client learns at once; the close follows.
                _shutDown = true;
                _ = LibC.Shutdown(Fd, LibC.SHUT_RDWR);
            }
        }

        _output.Reader.CancelPendingRead();
        _loop.Post(OnAborted);
    }

    /// <summary>Closes with RST instead of FIN (SO_LINGER 0), as soon as the send loop has stopped.</summary>
    public void Reset(ConnectionAbortedException reason)
    {
        lock (_lock)
        {
            if (_fdClosed)
            {
                return;
            }

            _shutdownReason ??= reason;
            _resetOnClose = true;
        }

        _output.Reader.CancelPendingRead();
        _loop.Post(OnAborted);
    }

    private void OnAborted()
    {
        if (_sendWaiting)
        {
            _sendWaiting = false;
            Watch();
            _writable.Fail(_shutdownReason ?? new ConnectionAbortedException());
        }

        EndInput(null);
    }

    /// <summary>After the send loop ended: shut down and close the descriptor. Loop thread, from posted work.</summary>
    private unsafe void Close()
    {
        lock (_lock)
        {
            _shutdownReason ??= new ConnectionAbortedException("The epoll transport's send loop completed gracefully.");
        }

        EndInput(null);
        lock (_lock)
        {
            StopWatchingLocked();
            if (_resetOnClose)
            {
                var linger = stackalloc int[2] { 1, 0 };
                _ = LibC.SetSockOpt(Fd, LibC.SOL_SOCKET, LibC.SO_LINGER, linger, 2 * sizeof(int));
            }
            else if (!_shutDown)
            {
                _shutDown = true;
                _ = LibC.Shutdown(Fd, LibC.SHUT_RDWR);
            }

            _fdClosed = true;
            _loop.Release(this);
        }

        _closed.TrySetResult();
    }

    public override async ValueTask DisposeAsync()
    {
        await _input.Reader.CompleteAsync();
        await _output.Writer.CompleteAsync();
        await _closed.Task.ConfigureAwait(false);
        await base.DisposeAsync();
    }
}
