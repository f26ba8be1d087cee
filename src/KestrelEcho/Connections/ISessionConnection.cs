namespace KestrelEcho.Connections;

/// <summary>
/// What an <see cref="EchoSession"/> asks of the connection under it when the service wants it closed. The TCP
/// path gives Kestrel's connection (<see cref="KestrelSessionConnection"/>), the WebSocket path its socket; each
/// knows how to end its own echo cleanly and how to drop a connection that has not reached it.
/// </summary>
internal interface ISessionConnection
{
    /// <summary>Wakes the echo so it ends cleanly, saying <paramref name="reason"/> to the client where the protocol can.</summary>
    void WakeEcho(CloseReason reason);

    /// <summary>Drops a connection still on its way to the echo: there is nothing of the client's to keep.</summary>
    void Abort(CloseReason reason);

    /// <summary>Drops the connection with a reset where the transport allows (TCP's RST), else as <see cref="Abort"/> does.</summary>
    void Reset(CloseReason reason);
}
