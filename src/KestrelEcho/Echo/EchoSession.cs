using System.Net;
using Microsoft.AspNetCore.Connections;

namespace KestrelEcho.Echo;

/// <summary>
/// What the service knows of one echo connection, live and then closed. The connection's handler is the only
/// writer of the counters and the timeline; readers (the ops API, the sweeper) see each value whole through
/// volatile reads. Timestamps are <see cref="TimeProvider.GetTimestamp"/> values, 0 meaning "not yet".
/// </summary>
internal sealed class EchoSession
{
    private const int NoReason = -1;

    private readonly Lock _closeLock = new();
    private ConnectionContext? _connection;
    private int _requestedReason = NoReason;
    private long _bytesReceived;
    private long _bytesSent;
    private long _lastReceivedTimestamp;
    private long _lastActivityTimestamp;
    private long _firstByteTimestamp;
    private long _clientFinTimestamp;
    private long _serverClosingTimestamp;
    private long _closedTimestamp;
    private CloseReason? _closeReason;

    public EchoSession(
        ConnectionContext connection,
        IPEndPoint? remoteEndPoint,
        IPEndPoint? localEndPoint,
        DateTimeOffset connectedAt,
        long startTimestamp,
        IPEndPoint? proxyEndPoint)
    {
        _connection = connection;
        Id = connection.ConnectionId;
        RemoteEndPoint = remoteEndPoint;
        LocalEndPoint = localEndPoint;
        ProxyEndPoint = proxyEndPoint;
        ConnectedAt = connectedAt;
        StartTimestamp = startTimestamp;
        _lastReceivedTimestamp = startTimestamp;
        _lastActivityTimestamp = startTimestamp;
    }

    public string Id { get; }

    public IPEndPoint? RemoteEndPoint { get; }

    public IPEndPoint? LocalEndPoint { get; }

    /// <summary>The proxy the connection came through, when a PROXY protocol header named the client; else null.</summary>
    public IPEndPoint? ProxyEndPoint { get; }

    public DateTimeOffset ConnectedAt { get; }

    public long StartTimestamp { get; }

    public long BytesReceived => Volatile.Read(ref _bytesReceived);

    public long BytesSent => Volatile.Read(ref _bytesSent);

    /// <summary>When a byte last arrived (or the accept): what the idle timeout measures.</summary>
    public long LastReceivedTimestamp => Volatile.Read(ref _lastReceivedTimestamp);

    /// <summary>When a byte last moved either way.</summary>
    public long LastActivityTimestamp => Volatile.Read(ref _lastActivityTimestamp);

    public long FirstByteTimestamp => Volatile.Read(ref _firstByteTimestamp);

    public long ClientFinTimestamp => Volatile.Read(ref _clientFinTimestamp);

    public long ServerClosingTimestamp => Volatile.Read(ref _serverClosingTimestamp);

    public long ClosedTimestamp => Volatile.Read(ref _closedTimestamp);

    /// <summary>Set once the connection is closed.</summary>
    public CloseReason? CloseReason => Volatile.Read(ref _closedTimestamp) == 0 ? null : _closeReason;

    /// <summary>Why the service asked the connection to close, if it did; the first request wins.</summary>
    public CloseReason? RequestedCloseReason
    {
        get
        {
            var reason = Volatile.Read(ref _requestedReason);
            return reason == NoReason ? null : (CloseReason)reason;
        }
    }

    /// <summary>
    /// Asks the echo loop to end with <paramref name="reason"/>: wakes its pending read, or the flush a
    /// non-reading client holds up. Returns false when the connection is already closing for another reason.
    /// </summary>
    public bool RequestClose(CloseReason reason)
    {
        if (Interlocked.CompareExchange(ref _requestedReason, (int)reason, NoReason) != NoReason)
        {
            return false;
        }

        lock (_closeLock)
        {
            // Once the handler has completed the pipes there is nothing left to wake.
            if (_connection is { } connection)
            {
                connection.Transport.Input.CancelPendingRead();
                connection.Transport.Output.CancelPendingFlush();
            }
        }

        return true;
    }

    public void OnReceived(long count, long timestamp)
    {
        if (_bytesReceived == 0)
        {
            Volatile.Write(ref _firstByteTimestamp, timestamp);
        }

        Volatile.Write(ref _bytesReceived, _bytesReceived + count);
        Volatile.Write(ref _lastReceivedTimestamp, timestamp);
        Volatile.Write(ref _lastActivityTimestamp, timestamp);
    }

    public void OnSent(long count, long timestamp)
    {
        Volatile.Write(ref _bytesSent, _bytesSent + count);
        Volatile.Write(ref _lastActivityTimestamp, timestamp);
    }

    public void OnClientFin(long timestamp) => Volatile.Write(ref _clientFinTimestamp, timestamp);

    /// <summary>The handler starts closing: no more wake-ups, and the connection is no longer referenced.</summary>
    public void OnServerClosing(long timestamp)
    {
        lock (_closeLock)
        {
            _connection = null;
        }

        Volatile.Write(ref _serverClosingTimestamp, timestamp);
    }

    public void OnClosed(CloseReason reason, long timestamp)
    {
        _closeReason = reason;
        Volatile.Write(ref _closedTimestamp, timestamp);
    }
}
