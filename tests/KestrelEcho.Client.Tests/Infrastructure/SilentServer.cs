using System.Net;
using System.Net.Sockets;

namespace KestrelEcho.Client.Tests.Infrastructure;

/// <summary>
/// A listener that never accepts: the kernel completes the handshake, so the client connects, but nothing is
/// ever echoed. What a hung server looks like from outside.
/// </summary>
public sealed class SilentServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

    public SilentServer() => _listener.Start();

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public void Dispose() => _listener.Dispose();
}
