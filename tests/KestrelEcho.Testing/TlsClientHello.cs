using System.Net;
using System.Net.Security;
using System.Net.Sockets;

namespace KestrelEcho.Testing;

/// <summary>
/// A real TLS ClientHello as bytes, to send from a plain socket: then a test sees exactly what the server sends back
/// (a ServerHello, or nothing at all), which an <see cref="SslStream"/> would hide behind a failed handshake.
/// </summary>
public static class TlsClientHello
{
    /// <summary>The first flight of a .NET TLS client, captured on a loopback socket of its own.</summary>
    public static async Task<byte[]> CaptureAsync(CancellationToken cancellationToken)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        using var client = await TcpClients.ConnectAsync((IPEndPoint)listener.LocalEndPoint!, cancellationToken);
        using var capture = await listener.AcceptAsync(cancellationToken);

        await using var tls = new SslStream(new NetworkStream(client, ownsSocket: false));
        using var stopHandshake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var handshake = tls.AuthenticateAsClientAsync(
            new SslClientAuthenticationOptions { TargetHost = "localhost" },
            stopHandshake.Token);

        // The ClientHello is one TLS record: a 5-byte header whose last two bytes give the length of the rest.
        var header = await capture.ReceiveExactlyAsync(5, cancellationToken);
        var body = await capture.ReceiveExactlyAsync((header[3] << 8) | header[4], cancellationToken);
        await stopHandshake.CancelAsync();
        await Record.ExceptionAsync(() => handshake);
        return [.. header, .. body];
    }
}
