using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using KestrelEcho.Proxy;
using Microsoft.AspNetCore.Connections;

namespace KestrelEcho.Echo;

/// <summary>
/// The live echo connections, by connection id. A session is added when Kestrel hands us the connection
/// and removed when its handler returns, whatever ended it, so the registry never outlives the sockets; the
/// closed session then goes to <see cref="RecentConnections"/>.
/// </summary>
internal sealed class ConnectionRegistry(TimeProvider timeProvider, RecentConnections recent)
{
    private readonly ConcurrentDictionary<string, EchoSession> _sessions = new(StringComparer.Ordinal);
    private long _opened;
    private long _closed;

    public long Opened => Interlocked.Read(ref _opened);

    public long Closed => Interlocked.Read(ref _closed);

    /// <summary>Sessions in the registry now. It takes the dictionary's locks: for the ops API, not the echo path.</summary>
    public int Active => _sessions.Count;

    /// <summary>
    /// Registers the connection with its endpoints as they are now: after the PROXY protocol middleware, if any,
    /// has put the client's in place of the proxy's. Such a connection's session starts at its accept.
    /// </summary>
    public EchoSession Open(ConnectionContext connection)
    {
        var proxied = connection.Features.Get<ProxyProtocolFeature>();
        var session = new EchoSession(
            connection,
            Normalize(connection.RemoteEndPoint as IPEndPoint),
            Normalize(proxied?.DestinationEndPoint ?? connection.LocalEndPoint as IPEndPoint),
            proxied?.AcceptedAt ?? timeProvider.GetUtcNow(),
            proxied?.AcceptedTimestamp ?? timeProvider.GetTimestamp(),
            proxied?.ProxyEndPoint);

        if (!_sessions.TryAdd(session.Id, session))
        {
            throw new InvalidOperationException($"Connection id '{session.Id}' is already registered.");
        }

        Interlocked.Increment(ref _opened);
        return session;
    }

    /// <summary>Moves the session from the live set to the recent ones, with its close reason.</summary>
    public void Close(EchoSession session, CloseReason reason)
    {
        session.OnClosed(reason, timeProvider.GetTimestamp());
        if (_sessions.TryRemove(session.Id, out _))
        {
            Interlocked.Increment(ref _closed);
        }

        recent.Add(session);
    }

    /// <summary>A live connection by id, else a recently closed one, else null.</summary>
    public EchoSession? Find(string id) => _sessions.TryGetValue(id, out var live) ? live : recent.Find(id);

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

    /// <summary>A dual-mode socket reports IPv4 clients as <c>::ffff:a.b.c.d</c>; people expect <c>a.b.c.d</c>.</summary>
    public static IPEndPoint? Normalize(IPEndPoint? endPoint) =>
        endPoint is { Address.IsIPv4MappedToIPv6: true }
            ? new IPEndPoint(endPoint.Address.MapToIPv4(), endPoint.Port)
            : endPoint;
}
