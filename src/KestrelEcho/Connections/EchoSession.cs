using System.Net;
using KestrelEcho.Net;

namespace KestrelEcho.Connections;

/// <summary>
/// What the service knows of one connection to an echo endpoint, from its accept to its close: set on the
/// connection as a feature by the tracking layer (the outermost), so every later layer of the pipeline
/// (PROXY header, limits, TLS, the echo loop) works on the same one. Each layer writes only its own part, one
/// connection at a time; readers (the admin API, the sweeper) see each value whole through volatile reads.
/// Timestamps are <see cref="TimeProvider.GetTimestamp"/> values, 0 meaning "not yet".
/// <para>
/// The byte counts cost the echo loop one plain add per read and nothing else: no clock, no meter, no fence. The
/// sweeper catches up once a tick (<see cref="CatchUp"/>): it stamps the last activity when the counts moved since
/// the tick before and hands the new bytes to the meters; the close catches up the rest.
/// </para>
/// </summary>
internal sealed class EchoSession
{
    private const int NoReason = -1;

    private readonly Lock _closeLock = new();
    private ISessionConnection? _connection;
    private IPEndPoint? _remoteEndPoint;
    private IPEndPoint? _localEndPoint;
    private EchoSessionDetails? _details;
    private int _stage;
    private int _requestedReason = NoReason;
    private int _endReason = NoReason;
    private long _stageTimestamp;
    private long _bytesReceived;
    private long _bytesSent;
    private long _caughtUpReceived;
    private long _caughtUpSent;
    private long _lastReceivedTimestamp;
    private long _lastActivityTimestamp;
    private long _firstByteTimestamp;
    private long _clientFinTimestamp;
    private long _echoBlockedTimestamp;
    private long _serverClosingTimestamp;
    private long _closedTimestamp;
    private CloseReason? _closeReason;

    public EchoSession(
        string id,
        ConnectionListener listener,
        IPEndPoint? remoteEndPoint,
        IPEndPoint? localEndPoint,
        ISessionConnection connection,
        DateTimeOffset connectedAt,
        long startTimestamp)
    {
        _connection = connection;
        Id = id;
        Listener = listener;
        _remoteEndPoint = remoteEndPoint.Unmapped();
        _localEndPoint = localEndPoint.Unmapped();
        ConnectedAt = connectedAt;
        StartTimestamp = startTimestamp;
        _stageTimestamp = startTimestamp;
        _lastReceivedTimestamp = startTimestamp;
        _lastActivityTimestamp = startTimestamp;
    }

    public string Id { get; }

    /// <summary>The client: the socket's peer, or the client a trusted proxy's PROXY header named.</summary>
    public IPEndPoint? RemoteEndPoint => Volatile.Read(ref _remoteEndPoint);

    /// <summary>Where the client connected to: our socket's end, or the balancer's front end a PROXY header named.</summary>
    public IPEndPoint? LocalEndPoint => Volatile.Read(ref _localEndPoint);

    /// <summary>The proxy the connection came through, when a PROXY protocol header named the client; else null.</summary>
    public IPEndPoint? ProxyEndPoint => Volatile.Read(ref _details)?.ProxyEndPoint;

    /// <summary>What the PROXY protocol header's TLVs said about the client, when it carried any that matter; else null.</summary>
    public ProxyTlvs? ProxyTlvs => Volatile.Read(ref _details)?.ProxyTlvs;

    /// <summary>The PROXY protocol header's version (1 or 2) when a header named the client; else 0.</summary>
    public int ProxyVersion => Volatile.Read(ref _details)?.ProxyVersion ?? 0;

    /// <summary>What the TLS handshake agreed, once it has completed; null on plain TCP and during the handshake.</summary>
    public TlsDetails? Tls => Volatile.Read(ref _details)?.Tls;

    public DateTimeOffset ConnectedAt { get; }

    /// <summary>The accept: every stage, the PROXY header and the TLS handshake too, counts in the age and duration.</summary>
    public long StartTimestamp { get; }

    public ConnectionStage Stage => (ConnectionStage)Volatile.Read(ref _stage);

    /// <summary>The endpoint's transport, so a TLS connection refused before its handshake still shows as TLS.</summary>
    public ConnectionTransport Transport => Listener.Transport;

    /// <summary>The listener the client connected to: <c>echo</c>, <c>echo_tls</c>, <c>websocket</c> or a named one.</summary>
    public ConnectionListener Listener { get; }

    /// <summary>When the connection entered its current <see cref="Stage"/>.</summary>
    public long StageTimestamp => Volatile.Read(ref _stageTimestamp);

    /// <summary>A connection that never reached the echo was refused (or gave up) on the way: it gets no close line of its own.</summary>
    public bool WasRefused => Stage != ConnectionStage.Echo;

    // The counts are written plainly by the one loop that moves the bytes (a 64-bit write is atomic on the 64-bit
    // platforms we ship for); the volatile read keeps other threads from reusing a stale value they read before.
    public long BytesReceived => Volatile.Read(ref _bytesReceived);

    public long BytesSent => Volatile.Read(ref _bytesSent);

    /// <summary>
    /// When a byte last arrived (or the accept): what the idle timeout measures. Stamped by the sweeper's tick that
    /// first sees the new bytes, so it is up to one tick late, never early.
    /// </summary>
    public long LastReceivedTimestamp => Volatile.Read(ref _lastReceivedTimestamp);

    /// <summary>When a byte last moved either way, to within one sweeper tick, as <see cref="LastReceivedTimestamp"/>.</summary>
    public long LastActivityTimestamp => Volatile.Read(ref _lastActivityTimestamp);

    public long FirstByteTimestamp => Volatile.Read(ref _firstByteTimestamp);

    public long ClientFinTimestamp => Volatile.Read(ref _clientFinTimestamp);

    /// <summary>Since when the echo has waited, without a break, for a client that does not take its echo; 0 when it is not waiting.</summary>
    public long EchoBlockedTimestamp => Volatile.Read(ref _echoBlockedTimestamp);

    public long ServerClosingTimestamp => Volatile.Read(ref _serverClosingTimestamp);

    public long ClosedTimestamp => Volatile.Read(ref _closedTimestamp);

    /// <summary>Set once the connection is closed.</summary>
    public CloseReason? CloseReason => Volatile.Read(ref _closedTimestamp) == 0 ? null : _closeReason;

    /// <summary>Why the service asked the connection to close, if it did; the first request wins.</summary>
    public CloseReason? RequestedCloseReason => AsReason(Volatile.Read(ref _requestedReason));

    /// <summary>Why the layer that ended the connection ended it, if it said; the first one wins.</summary>
    public CloseReason? EndReason => AsReason(Volatile.Read(ref _endReason));

    public void EnterStage(ConnectionStage stage, long timestamp)
    {
        Volatile.Write(ref _stageTimestamp, timestamp);
        Volatile.Write(ref _stage, (int)stage);
    }

    /// <summary>A trusted proxy's header named the client: from now on the session shows the client, not the proxy.</summary>
    public void OnProxyHeader(int version, IPEndPoint client, IPEndPoint? destination, ProxyTlvs? tlvs)
    {
        Details.OnProxyHeader(version, _remoteEndPoint, tlvs);
        Volatile.Write(ref _remoteEndPoint, client.Unmapped());
        if (destination is not null)
        {
            Volatile.Write(ref _localEndPoint, destination.Unmapped());
        }
    }

    /// <summary>The TLS handshake has completed: recorded once, before the echo starts.</summary>
    public void OnTlsHandshake(TlsDetails details) => Details.OnTlsHandshake(details);

    /// <summary>The layer that ends the connection says why (a refusal, the echo's end); the first to say wins.</summary>
    public void End(CloseReason reason) => Interlocked.CompareExchange(ref _endReason, (int)reason, NoReason);

    /// <summary>
    /// Asks the connection to close with <paramref name="reason"/>. In the echo it wakes the loop's pending read,
    /// or the flush a non-reading client holds up, so the loop ends cleanly; before the echo (PROXY header, TLS
    /// handshake) there is nothing of the client's to keep, so the connection is aborted. Returns false when the
    /// connection is already closing for another reason.
    /// </summary>
    public bool RequestClose(CloseReason reason)
    {
        if (Interlocked.CompareExchange(ref _requestedReason, (int)reason, NoReason) != NoReason)
        {
            return false;
        }

        lock (_closeLock)
        {
            // Once the tracking layer has started closing there is nothing left to wake.
            if (_connection is { } connection)
            {
                if (Stage == ConnectionStage.Echo)
                {
                    connection.WakeEcho(reason);
                }
                else
                {
                    connection.Abort(reason);
                }
            }
        }

        return true;
    }

    /// <summary>
    /// Resets the connection (RST, not FIN) and ends it with <paramref name="reason"/> at once, in any stage: a reset
    /// drops whatever was still to be echoed, so there is no loop to wake. Returns false when the connection is
    /// already closing for another reason.
    /// </summary>
    public bool RequestReset(CloseReason reason)
    {
        if (Interlocked.CompareExchange(ref _requestedReason, (int)reason, NoReason) != NoReason)
        {
            return false;
        }

        // Said before the socket goes, so whatever the layers see next (a failed read, a reset) does not rename it.
        End(reason);
        lock (_closeLock)
        {
            _connection?.Reset(reason);
        }

        return true;
    }

    /// <summary>
    /// Counts <paramref name="count"/> bytes from the client. Only the loop that reads calls it; the clock is read
    /// once per connection, for the first byte.
    /// </summary>
    public void OnReceived(long count, TimeProvider timeProvider)
    {
        if (_bytesReceived == 0)
        {
            Volatile.Write(ref _firstByteTimestamp, timeProvider.GetTimestamp());
        }

        _bytesReceived += count;
    }

    /// <summary>Counts <paramref name="count"/> bytes echoed. Only the loop that writes calls it.</summary>
    public void OnSent(long count) => _bytesSent += count;

    /// <summary>
    /// Takes the bytes moved since the last catch-up, for the meters, and stamps the last activity at
    /// <paramref name="timestamp"/> when there were any. The sweeper calls it once a tick and the close once more, from
    /// two threads: each count is claimed with a compare-exchange, so every byte is handed out exactly once and a late
    /// caller holding an older count gets nothing rather than a negative.
    /// </summary>
    public void CatchUp(long timestamp, out long received, out long sent)
    {
        received = Claim(ref _caughtUpReceived, BytesReceived);
        sent = Claim(ref _caughtUpSent, BytesSent);
        if (received > 0)
        {
            Volatile.Write(ref _lastReceivedTimestamp, timestamp);
        }

        if (received > 0 || sent > 0)
        {
            Volatile.Write(ref _lastActivityTimestamp, timestamp);
        }
    }

    /// <summary>
    /// Moves <paramref name="caughtUp"/> forward to <paramref name="count"/> and returns the difference; a caller whose
    /// count is older than one already claimed (the sweeper read it before the close caught up) gets 0 and moves nothing.
    /// </summary>
    internal static long Claim(ref long caughtUp, long count)
    {
        while (true)
        {
            var previous = Volatile.Read(ref caughtUp);
            if (count <= previous)
            {
                return 0;
            }

            if (Interlocked.CompareExchange(ref caughtUp, count, previous) == previous)
            {
                return count - previous;
            }
        }
    }

    public void OnEchoBlocked(long timestamp) => Volatile.Write(ref _echoBlockedTimestamp, timestamp);

    public void OnEchoUnblocked() => Volatile.Write(ref _echoBlockedTimestamp, 0);

    public void OnClientFin(long timestamp) => Volatile.Write(ref _clientFinTimestamp, timestamp);

    /// <summary>The tracking layer starts closing: no more wake-ups, and the connection is no longer referenced.</summary>
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

    /// <summary>Made once, by the first layer that has details to record (the PROXY header, or TLS).</summary>
    private EchoSessionDetails Details => Volatile.Read(ref _details) ?? CreateDetails();

    private EchoSessionDetails CreateDetails()
    {
        var details = new EchoSessionDetails();
        return Interlocked.CompareExchange(ref _details, details, null) ?? details;
    }

    private static CloseReason? AsReason(int value) => value == NoReason ? null : (CloseReason)value;
}
