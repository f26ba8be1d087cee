namespace KestrelEcho.Connections;

internal static class ConnectionTransportExtensions
{
    /// <summary>The stable name used in JSON, query filters, metric tags and the history.</summary>
    public static string ToName(this ConnectionTransport transport) => transport switch
    {
        ConnectionTransport.Tcp => "tcp",
        ConnectionTransport.Tls => "tls",
        ConnectionTransport.WebSocket => "websocket",
        _ => throw new ArgumentOutOfRangeException(nameof(transport), transport, null),
    };
}
