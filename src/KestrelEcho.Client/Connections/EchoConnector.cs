using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using KestrelEcho.Client.Cli;

namespace KestrelEcho.Client.Connections;

/// <summary>
/// Opens a connection to an echo endpoint: resolves the host, tries each address with a socket of that
/// address's own family (so the family the user sees is the one on the wire, not a dual-mode IPv6 socket's),
/// then runs the TLS handshake when asked. Failures become <see cref="EchoClientException"/>.
/// </summary>
internal static class EchoConnector
{
    /// <summary>Linux's <c>SOL_IP</c> and <c>IP_BIND_ADDRESS_NO_PORT</c>, which .NET has no names for.</summary>
    private const int SolIp = 0;

    private const int IpBindAddressNoPort = 24;

    public static async Task<EchoConnection> ConnectAsync(EchoTarget target, CancellationToken cancellationToken) =>
        await ConnectAsync(target, await ResolveAsync(target.Host, cancellationToken), sourceAddress: null, cancellationToken);

    /// <summary>
    /// Connects before <paramref name="timeout"/> fires (the caller's token for the whole exchange, which the
    /// connection shares). Running out of time is an <see cref="EchoClientException"/>, so a command reports it as
    /// it reports a refusal.
    /// </summary>
    public static async Task<EchoConnection> ConnectWithinAsync(EchoTarget target, CancellationToken timeout, CancellationToken cancellationToken)
    {
        try
        {
            return await ConnectAsync(target, timeout);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new EchoClientException($"timeout: no connection to {target} within {TimeSpanText.Seconds(target.Timeout)}");
        }
    }

    /// <summary>
    /// Connects to one of <paramref name="addresses"/> (resolved once by a caller that connects many times),
    /// from <paramref name="sourceAddress"/> when given (then only addresses of its family are tried).
    /// </summary>
    public static async Task<EchoConnection> ConnectAsync(
        EchoTarget target,
        IReadOnlyList<IPAddress> addresses,
        IPAddress? sourceAddress,
        CancellationToken cancellationToken)
    {
        var socket = await ConnectSocketAsync(target, addresses, sourceAddress, cancellationToken);
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

    public static async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
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

    private static async Task<Socket> ConnectSocketAsync(
        EchoTarget target,
        IReadOnlyList<IPAddress> addresses,
        IPAddress? sourceAddress,
        CancellationToken cancellationToken)
    {
        SocketException? lastFailure = null;
        var candidates = addresses.Where(address => sourceAddress is null || address.AddressFamily == sourceAddress.AddressFamily).ToArray();
        foreach (var address in candidates)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                if (sourceAddress is not null)
                {
                    BindSource(socket, sourceAddress);
                }

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

        if (lastFailure is null)
        {
            throw new EchoClientException($"{target} has no {sourceAddress?.AddressFamily} address to connect to from {sourceAddress}");
        }

        var tried = string.Join(", ", candidates.Select(address => address.ToString()));
        var from = sourceAddress is null ? string.Empty : $" from {sourceAddress}";
        var reason = lastFailure.SocketErrorCode switch
        {
            SocketError.ConnectionRefused => "connection refused by",
            SocketError.HostUnreachable or SocketError.NetworkUnreachable => "host unreachable:",
            SocketError.TimedOut => "connection timed out:",
            SocketError.AddressNotAvailable => "no local port free to connect to",
            _ => $"{lastFailure.Message}:",
        };
        throw new EchoClientException($"{reason} {target} ({tried}){from}", lastFailure);
    }

    private static void BindSource(Socket socket, IPAddress sourceAddress)
    {
        if (OperatingSystem.IsLinux())
        {
            // Leave the port to connect(), which needs it unique only for the whole address pair and may reuse
            // one in TIME_WAIT; bind() alone would need a port free on this address for every destination.
            socket.SetRawSocketOption(SolIp, IpBindAddressNoPort, BitConverter.GetBytes(1));
        }

        socket.Bind(new IPEndPoint(sourceAddress, 0));
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
