using System.Net;
using System.Net.Sockets;

namespace KestrelEcho.Testing;

/// <summary>Ports for external programs (Prometheus, HAProxy) that cannot report a port 0 they bound.</summary>
public static class FreePort
{
    /// <summary>
    /// A loopback port free a moment ago. Another process could take it before the program binds it; then the
    /// program fails to start and its log says so.
    /// </summary>
    public static int OnLoopback()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)listener.LocalEndPoint!).Port;
    }
}
