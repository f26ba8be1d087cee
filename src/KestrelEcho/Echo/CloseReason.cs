namespace KestrelEcho.Echo;

/// <summary>How an echo connection ended. Every closed connection has exactly one.</summary>
internal enum CloseReason
{
    /// <summary>The client sent FIN; everything it sent was echoed before we closed our side.</summary>
    ClientClosed,

    /// <summary>The client reset the connection or vanished; unsent echo bytes were dropped.</summary>
    ClientReset,

    /// <summary>No byte arrived from the client for <see cref="EchoOptions.IdleTimeout"/>.</summary>
    IdleTimeout,

    /// <summary>The connection reached <see cref="EchoOptions.MaxLifetime"/>.</summary>
    LifetimeExceeded,

    /// <summary>The client sent <see cref="EchoOptions.MaxBytesPerConnection"/>; it got that much back, then FIN.</summary>
    ByteLimit,

    /// <summary>Refused at accept: <see cref="EchoOptions.MaxConnections"/> were already open.</summary>
    ConnectionLimit,

    /// <summary>Refused at accept: its address already had <see cref="EchoOptions.MaxConnectionsPerIp"/> open.</summary>
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

    /// <summary>The PROXY protocol header did not arrive whole within <see cref="EchoOptions.ProxyHeaderTimeout"/>.</summary>
    ProxyProtocolTimeout,

    /// <summary>Refused at accept: PROXY protocol is <c>Required</c> and the peer is not in <see cref="EchoOptions.TrustedProxies"/>.</summary>
    UntrustedProxy,
}
