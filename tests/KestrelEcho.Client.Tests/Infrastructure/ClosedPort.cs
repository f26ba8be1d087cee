using System.Net;
using System.Net.Sockets;

namespace KestrelEcho.Client.Tests.Infrastructure;

/// <summary>
/// A loopback port with nothing listening, held for the test's lifetime: the socket is bound but never listens,
/// so the kernel refuses connections to it and no other test can take the port meanwhile.
/// </summary>
public sealed class ClosedPort : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    public ClosedPort() => _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));

    public int Port => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    public void Dispose() => _socket.Dispose();
}
