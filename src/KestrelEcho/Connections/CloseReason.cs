namespace KestrelEcho.Connections;

/// <summary>How an echo connection ended. Every closed connection has exactly one.</summary>
internal enum CloseReason
{
    /// <summary>The client sent FIN; everything it sent was echoed before we closed our side.</summary>
    ClientClosed,

    /// <summary>The client reset the connection or vanished; unsent echo bytes were dropped.</summary>
    ClientReset,

    /// <summary>No byte arrived from the client for <c>Echo:IdleTimeout</c>.</summary>
    IdleTimeout,

    /// <summary>The connection reached <c>Echo:MaxLifetime</c>.</summary>
    LifetimeExceeded,

    /// <summary>The client sent <c>Echo:MaxBytesPerConnection</c>; it got that much back, then FIN.</summary>
    ByteLimit,

    /// <summary>Refused at accept: <c>Echo:MaxConnections</c> were already open, in any stage.</summary>
    ConnectionLimit,

    /// <summary>
    /// Refused before the echo: its client's network (<c>Echo:ClientPrefixV4</c>,
    /// <c>Echo:ClientPrefixV6</c>) already had <c>Echo:MaxConnectionsPerIp</c> open.
    /// </summary>
    PerIpLimit,

    /// <summary>Closed through <c>DELETE /connections/{id}</c>.</summary>
    AdminClosed,

    /// <summary>The service is stopping: refused while draining, or still open when the drain ended or a second stop signal cut it short.</summary>
    ServerShutdown,

    /// <summary>An unexpected failure in the echo path (logged at Error).</summary>
    Error,

    /// <summary>
    /// A trusted proxy's connection had no valid PROXY protocol header where one was due: missing (with
    /// <c>Required</c>), malformed, truncated, too long, or with addresses or ports out of range.
    /// </summary>
    ProxyProtocolError,

    /// <summary>The PROXY protocol header did not arrive whole within <c>Echo:ProxyHeaderTimeout</c>.</summary>
    ProxyProtocolTimeout,

    /// <summary>Refused at accept: PROXY protocol is <c>Required</c> and the peer is not in <c>Echo:TrustedProxies</c>.</summary>
    UntrustedProxy,

    /// <summary>The TLS handshake did not end within <c>Echo:HandshakeTimeout</c>.</summary>
    HandshakeTimeout,

    /// <summary>The TLS handshake failed: not TLS, no protocol or cipher in common, or the client gave up (Kestrel logs the detail at Debug).</summary>
    TlsHandshakeFailed,

    /// <summary>The echo waited <c>Echo:SlowReaderTimeout</c>, without a break, for a client that does not take its echo.</summary>
    SlowReader,

    /// <summary>Reset (RST) through <c>POST /connections/{id}/reset</c>.</summary>
    AdminReset,

    /// <summary>A named listener's <c>CloseAfterBytes</c>: the client got exactly that many bytes back, then FIN.</summary>
    InjectedClose,

    /// <summary>A named listener's <c>ResetAfterBytes</c> (after exactly that many bytes) or <c>ResetOnAcceptProbability</c>: RST.</summary>
    InjectedReset,
}
