namespace KestrelEcho.Connections;

/// <summary>How a client reaches the echo: fixed by the endpoint it connected to, from the accept on.</summary>
internal enum ConnectionTransport
{
    /// <summary>Raw TCP on the echo endpoint (<c>Echo:Port</c>).</summary>
    Tcp,

    /// <summary>TCP with TLS on the TLS echo endpoint (<c>EchoTls:Port</c>), from the start of the handshake.</summary>
    Tls,

    /// <summary>WebSocket messages on <c>/ws/echo</c>.</summary>
    WebSocket,
}
