using System.Net;

namespace KestrelEcho.Echo;

/// <summary>
/// What the service knows of one live echo connection. The connection's handler is the only writer;
/// readers (the ops API) see each counter whole through volatile reads.
/// </summary>
internal sealed class EchoSession(
    string id,
    IPEndPoint? remoteEndPoint,
    IPEndPoint? localEndPoint,
    DateTimeOffset connectedAt,
    long startTimestamp)
{
    private long _bytesReceived;
    private long _bytesSent;
    private long _lastActivityTimestamp = startTimestamp;

    public string Id { get; } = id;

    public IPEndPoint? RemoteEndPoint { get; } = remoteEndPoint;

    public IPEndPoint? LocalEndPoint { get; } = localEndPoint;

    public DateTimeOffset ConnectedAt { get; } = connectedAt;

    /// <summary>A <see cref="TimeProvider.GetTimestamp"/> value taken when the connection was accepted.</summary>
    public long StartTimestamp { get; } = startTimestamp;

    public long BytesReceived => Volatile.Read(ref _bytesReceived);

    public long BytesSent => Volatile.Read(ref _bytesSent);

    public long LastActivityTimestamp => Volatile.Read(ref _lastActivityTimestamp);

    public void OnReceived(long count, long timestamp)
    {
        Volatile.Write(ref _bytesReceived, _bytesReceived + count);
        Volatile.Write(ref _lastActivityTimestamp, timestamp);
    }

    public void OnSent(long count, long timestamp)
    {
        Volatile.Write(ref _bytesSent, _bytesSent + count);
        Volatile.Write(ref _lastActivityTimestamp, timestamp);
    }
}
