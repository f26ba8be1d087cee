using System.Net;

namespace KestrelEcho.Proxy;

/// <summary>
/// Set on a connection the PROXY protocol middleware read a header from (or tried to). The session starts from
/// the accept, not from the end of the header, so a slow header counts in the connection's age and duration.
/// </summary>
internal sealed class ProxyProtocolFeature(DateTimeOffset acceptedAt, long acceptedTimestamp)
{
    public DateTimeOffset AcceptedAt { get; } = acceptedAt;

    /// <summary>A <see cref="TimeProvider.GetTimestamp"/> value.</summary>
    public long AcceptedTimestamp { get; } = acceptedTimestamp;

    /// <summary>The proxy's own end of the socket, when the header replaced the connection's endpoints; else null.</summary>
    public IPEndPoint? ProxyEndPoint { get; set; }

    /// <summary>The address the client connected to, as the header gave it (the balancer's front end); else null.</summary>
    public IPEndPoint? DestinationEndPoint { get; set; }
}
