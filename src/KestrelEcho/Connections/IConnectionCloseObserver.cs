namespace KestrelEcho.Connections;

/// <summary>
/// Told of every session <see cref="ConnectionRegistry.Close"/> closes, whatever its transport, refused ones too
/// (the connection history). It runs on the closing connection's thread: it must copy what it needs and return at
/// once, never block, and never throw.
/// </summary>
internal interface IConnectionCloseObserver
{
    void OnClosed(EchoSession session);
}
