using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;

namespace KestrelEcho.Client.Connections;

/// <summary>
/// Opens a connection to an echo endpoint: resolves the host, tries each address with a socket of that
/// address's own family (so the family the user sees is the one on the wire, not a dual-mode IPv6 socket's),
/// then runs the TLS handshake when asked. Failures become <see cref="EchoClientException"/>.
/// </summary>
internal static class EchoConnector
{
    public static async Task<EchoConnection> ConnectAsync(EchoTarget target, CancellationToken cancellationToken)
    {
        var socket = await ConnectSocketAsync(target, cancellationToken);
        if (target.Tls == TlsMode.None)
        {
            return new EchoConnection(socket, new NetworkStream(socket, ownsSocket: true), tls: null);
        }

        try
        {
            var tls = await AuthenticateAsync(socket, target, cancellationToken);
            return new EchoConnection(socket, tls, tls);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task<Socket> ConnectSocketAsync(EchoTarget target, CancellationToken cancellationToken)
    {
        var addresses = await ResolveAsync(target.Host, cancellationToken);
        SocketException? lastFailure = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, target.Port), cancellationToken);
                return socket;
            }
            catch (SocketException exception)
            {
                socket.Dispose();
                lastFailure = exception;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        var tried = string.Join(", ", addresses.Select(address => address.ToString()));
        var reason = lastFailure!.SocketErrorCode switch
        {
            SocketError.ConnectionRefused => "connection refused",
            SocketError.HostUnreachable or SocketError.NetworkUnreachable => "host unreachable",
            SocketError.TimedOut => "connection timed out",
            _ => lastFailure.Message,
        };
        throw new EchoClientException($"{reason} by {target} ({tried})", lastFailure);
    }

    private static async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host, out var literal))
        {
            return [literal];
        }

        try
        {
            var addresses = await Dns.GetHostAddressesAsync(host, cancellationToken);
            return addresses.Length > 0 ? addresses : throw new EchoClientException($"'{host}' has no address");
        }
        catch (SocketException exception)
        {
            throw new EchoClientException($"cannot resolve '{host}': {exception.Message}", exception);
        }
    }

    private static async Task<SslStream> AuthenticateAsync(Socket socket, EchoTarget target, CancellationToken cancellationToken)
    {
        var verdict = new CertificateVerdict(target);
        var tls = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false, verdict.Validate);
        try
        {
            await tls.AuthenticateAsClientAsync(
                new SslClientAuthenticationOptions
                {
                    TargetHost = target.Host,
                    CertificateChainPolicy = verdict.ChainPolicy,
                },
                cancellationToken);
            return tls;
        }
        catch (Exception exception) when (exception is AuthenticationException or IOException)
        {
            await tls.DisposeAsync();
            var reason = verdict.Rejection ?? (exception.InnerException ?? exception).Message;
            throw new EchoClientException($"TLS handshake with {target} failed: {reason}", exception);
        }
        catch
        {
            await tls.DisposeAsync();
            throw;
        }
    }
}
