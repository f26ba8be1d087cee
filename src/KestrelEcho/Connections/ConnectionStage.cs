namespace KestrelEcho.Connections;

/// <summary>How far a connection has come along the echo endpoint's pipeline.</summary>
internal enum ConnectionStage
{
    /// <summary>Accepted, not yet past the limits.</summary>
    Accepted,

    /// <summary>Waiting for its PROXY protocol header (<c>Echo:ProxyHeaderTimeout</c>).</summary>
    ProxyHeader,

    /// <summary>In the TLS handshake (<c>Echo:HandshakeTimeout</c>).</summary>
    TlsHandshake,

    /// <summary>Admitted and echoed.</summary>
    Echo,
}
