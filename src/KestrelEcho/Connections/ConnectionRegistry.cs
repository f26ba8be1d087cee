using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using Microsoft.AspNetCore.Connections;

namespace KestrelEcho.Connections;

/// <summary>
/// The live connections of the echo endpoints, by connection id, in every stage. A session is added when Kestrel
/// hands us the connection and removed when the tracking layer closes it, whatever ended it, so the registry never
/// outlives the sockets. The closed session then goes to <see cref="Recent"/>, or to <see cref="Refused"/> when it
/// never reached the echo: a flood of refusals cannot push the real closes out. An <see cref="IConnectionCloseObserver"/>
/// (the history) hears of every close.
/// </summary>
internal sealed class ConnectionRegistry(TimeProvider timeProvider, int recentCapacity, IConnectionCloseObserver? closeObserver = null)
{
    private readonly ConcurrentDictionary<string, EchoSession> _sessions = new(StringComparer.Ordinal);
    private long _opened;
    private long _closed;

    public long Opened => Interlocked.Read(ref _opened);

    public long Closed => Interlocked.Read(ref _closed);

    /// <summary>Sessions in the registry now. It takes the dictionary's locks: for the admin API, not the echo path.</summary>
    public int Active => _sessions.Count;

    /// <summary>Connections that reached the echo and closed, newest first.</summary>
    public RecentConnections Recent { get; } = new(recentCapacity);

    /// <summary>Connections closed before the echo: refused, or failed in the PROXY header or the TLS handshake.</summary>
    public RecentConnections Refused { get; } = new(recentCapacity);

    /// <summary>Every closed connection, added up: by reason, refused, bytes.</summary>
    public ClosedConnectionTotals ClosedTotals { get; } = new();

    /// <summary>Registers a connection Kestrel has just accepted; its session starts now.</summary>
    public EchoSession Open(ConnectionContext connection, ConnectionListener listener) =>
        Open(
            connection.ConnectionId,
            listener,
            connection.RemoteEndPoint as IPEndPoint,
            connection.LocalEndPoint as IPEndPoint,
            new KestrelSessionConnection(connection));

    /// <summary>Registers a connection that is not Kestrel's own (a WebSocket inside an HTTP request); its session starts now.</summary>
    public EchoSession Open(string id, ConnectionListener listener, IPEndPoint? remoteEndPoint, IPEndPoint? localEndPoint, ISessionConnection connection)
    {
        var session = new EchoSession(id, listener, remoteEndPoint, localEndPoint, connection, timeProvider.GetUtcNow(), timeProvider.GetTimestamp());
        if (!_sessions.TryAdd(session.Id, session))
        {
            throw new InvalidOperationException($"Connection id '{session.Id}' is already registered.");
        }

        Interlocked.Increment(ref _opened);
        listener.OnOpened();
        return session;
    }

    /// <summary>Moves the session from the live set to the closed ones, with its close reason.</summary>
    public void Close(EchoSession session, CloseReason reason, long closedTimestamp)
    {
        session.OnClosed(reason, closedTimestamp);
        if (_sessions.TryRemove(session.Id, out _))
        {
            ClosedTotals.Add(session, reason);
            session.Listener.ClosedTotals.Add(session, reason);
            Interlocked.Increment(ref _closed);
        }

        (session.WasRefused ? Refused : Recent).Add(session);
        closeObserver?.OnClosed(session);
    }

    /// <summary>A live connection by id, else a recently closed one, else null.</summary>
    public EchoSession? Find(string id) =>
        _sessions.TryGetValue(id, out var live) ? live : Recent.Find(id) ?? Refused.Find(id);

    public bool TryGetLive(string id, [NotNullWhen(true)] out EchoSession? session) => _sessions.TryGetValue(id, out session);

    /// <summary>
    /// The live sessions, enumerated without locks or a copy: what the once-a-second sweep walks, so 18,000
    /// connections cost no large allocation per tick. Sessions added or removed meanwhile may or may not appear.
    /// </summary>
    public IEnumerable<EchoSession> Live()
    {
        foreach (var (_, session) in _sessions)
        {
            yield return session;
        }
    }

    /// <summary>
    /// A point-in-time copy of the live sessions. Enumerating the dictionary takes no locks, so listing
    /// thousands of connections never stalls the accept path.
    /// </summary>
    public List<EchoSession> Snapshot()
    {
        var sessions = new List<EchoSession>();
        foreach (var (_, session) in _sessions)
        {
            sessions.Add(session);
        }

        return sessions;
    }
}
