namespace KestrelEcho.Echo;

/// <summary>How an echo connection ended. Every closed connection has exactly one.</summary>
internal enum CloseReason
{
    /// <summary>The client sent FIN; everything it sent was echoed before we closed our side.</summary>
    ClientClosed,

    /// <summary>The client reset the connection or vanished; unsent echo bytes were dropped.</summary>
    ClientReset,

    /// <summary>The server is stopping and closed the connection.</summary>
    ServerShutdown,

    /// <summary>An unexpected failure in the echo path (logged at Error).</summary>
    Error,
}
