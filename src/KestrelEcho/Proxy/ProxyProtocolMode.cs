namespace KestrelEcho.Proxy;

/// <summary>Whether the echo endpoints expect a PROXY protocol header (v1 or v2) first on each connection.</summary>
internal enum ProxyProtocolMode
{
    /// <summary>No header is read: the connection's bytes are all echo. The middleware is not even installed.</summary>
    Off,

    /// <summary>
    /// A trusted peer's connection may start with a header; one that does not start with a v1 or v2 signature is
    /// plain echo and loses no byte. Untrusted peers are plain echo: their header is just data.
    /// </summary>
    Optional,

    /// <summary>Every connection must come from a trusted proxy and start with a valid header, or it is refused.</summary>
    Required,
}
