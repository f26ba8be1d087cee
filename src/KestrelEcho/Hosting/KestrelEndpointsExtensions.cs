using System.Net;
using KestrelEcho.Admin;
using KestrelEcho.Connections;
using KestrelEcho.Echo;
using KestrelEcho.Listeners;
using KestrelEcho.Net;
using KestrelEcho.Ops;
using KestrelEcho.Proxy;
using KestrelEcho.Tls;
using KestrelEcho.Transport;
using KestrelEcho.WebSockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace KestrelEcho.Hosting;

internal static class KestrelEndpointsExtensions
{
    /// <summary>
    /// Binds the echo endpoint, the TLS echo endpoint when enabled, the management endpoint when
    /// <c>Admin:Port</c> is set, the WebSocket echo's own endpoint when <c>EchoWebSocket:Port</c> is set, then the HTTP endpoint. All are explicit: one explicit listener makes Kestrel
    /// ignore ASPNETCORE_URLS. HTTP comes last because WebApplicationFactory's client uses the last address.
    /// </summary>
    public static WebApplicationBuilder ConfigureListenEndpoints(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ListenEndpoints>();
        builder.Services.AddHostedService<EndpointAnnouncer>();
        builder.UseEchoSocketTransport();

        // Registered after the sockets transport, so Kestrel asks it first; it binds only the endpoints claimed
        // below (Echo:Transport Epoll), and every other stays on sockets.
        builder.Services.AddSingleton<EpollTransportFactory>();
        builder.Services.AddSingleton<IConnectionListenerFactory>(static services => services.GetRequiredService<EpollTransportFactory>());

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var services = kestrel.ApplicationServices;
            var endpoints = services.GetRequiredService<ListenEndpoints>();
            var echo = services.GetRequiredService<IOptions<EchoOptions>>().Value;
            var echoTls = services.GetRequiredService<IOptions<EchoTlsOptions>>().Value;
            var http = services.GetRequiredService<IOptions<HttpEndpointOptions>>().Value;
            var admin = services.GetRequiredService<IOptions<AdminOptions>>().Value;
            var webSocket = services.GetRequiredService<IOptions<EchoWebSocketOptions>>().Value;
            var epoll = echo.Transport == EchoTransport.Epoll ? services.GetRequiredService<EpollTransportFactory>() : null;

            kestrel.Listen(echo.Address, echo.Port, listen =>
            {
                listen.UseEchoPath(echo, ConnectionListener.Echo, certificates: null);
                epoll?.Claim(listen.EndPoint);
                endpoints.Echo = listen;
            });

            if (echoTls.Enabled)
            {
                var certificates = services.GetRequiredService<EchoTlsCertificateStore>();
                kestrel.Listen(echoTls.Address, echoTls.Port, listen =>
                {
                    // Raw echo, not HTTP: offering h2 or http/1.1 through ALPN would mislead clients.
                    listen.Protocols = HttpProtocols.None;
                    listen.UseEchoPath(echo, ConnectionListener.EchoTls, certificates);
                    epoll?.Claim(listen.EndPoint);
                    endpoints.EchoTls = listen;
                });
            }

            foreach (var listener in services.GetRequiredService<ListenerCatalog>().Named)
            {
                var certificates = listener.Tls ? services.GetRequiredService<EchoTlsCertificateStore>() : null;
                kestrel.Listen(listener.Address, listener.Port, listen =>
                {
                    listen.Protocols = HttpProtocols.None;
                    listen.UseEchoPath(echo, listener.Identity, certificates, listener);
                    epoll?.Claim(listen.EndPoint);
                    endpoints.Listeners[listener.Name] = listen;
                });
            }

            if (admin.Port is int adminPort)
            {
                kestrel.Listen(admin.Address, adminPort, listen =>
                {
                    listen.Use(static next => connection =>
                    {
                        connection.Features.Set(AdminConnectionFeature.Instance);
                        return next(connection);
                    });
                    endpoints.Admin = listen;
                });
            }

            if (webSocket is { Enabled: true, Port: int webSocketPort })
            {
                kestrel.Listen(webSocket.Address, webSocketPort, listen =>
                {
                    listen.Use(static next => connection =>
                    {
                        connection.Features.Set(EchoWebSocketConnectionFeature.Instance);
                        return next(connection);
                    });
                    endpoints.EchoWebSocket = listen;
                });
            }

            kestrel.Listen(http.Address, http.Port, listen => endpoints.Http = listen);
        });

        return builder;
    }

    /// <summary>
    /// The path of one connection to an echo endpoint, outermost layer first. Each layer refuses what it can before
    /// the next one costs anything, and records why on the connection's session; none calls back into another.
    /// </summary>
    private static void UseEchoPath(
        this ListenOptions listen,
        EchoOptions echo,
        ConnectionListener identity,
        EchoTlsCertificateStore? certificates,
        Listener? named = null)
    {
        // 1. The session: registered, counted, and in one finally closed, counted, logged (or summarized) and unregistered.
        listen.UseConnectionTracking(identity);

        // 2. Echo:MaxConnections and the drain: every stage counts, so a silent client cannot hold a slot uncounted.
        listen.UseConnectionLimit();

        // 3. The PROXY protocol header, when on: a trusted proxy names the client (Echo:ProxyHeaderTimeout).
        listen.UseProxyProtocol(echo.ProxyProtocol, echo.TrustedProxies, echo.ProxyHeaderTimeout);

        // 4. Echo:MaxConnectionsPerIp, on the client the header named: refused before any TLS byte is sent.
        listen.UseClientLimit();

        // 5. TLS, on the TLS echo endpoint: 1.2 or 1.3, the certificate in force; the sweeper closes a handshake that
        //    outlasts Echo:HandshakeTimeout. What the handshake agreed (protocol, cipher, SNI) goes on the session.
        if (certificates is not null)
        {
            listen.UseStage(ConnectionStage.TlsHandshake);
            listen.UseEchoTls(certificates, ConnectionSweeper.KestrelHandshakeTimeout(echo.HandshakeTimeout));
            listen.UseTlsDetails();
        }

        // 6. The echo loop, and only the loop; a named listener's mode and impairments (Listeners:<name>) in its place.
        if (named is not null)
        {
            listen.UseListenerHandler(named);
            return;
        }

        listen.UseConnectionHandler<EchoConnectionHandler>();
    }

    private static void Listen(this KestrelServerOptions kestrel, string address, int port, Action<ListenOptions> configure)
    {
        if (address == ListenAddress.Any)
        {
            kestrel.ListenAnyIP(port, configure);
            return;
        }

        // Validated at start-up: a bad address never gets this far.
        kestrel.Listen(IPAddress.Parse(address), port, configure);
    }
}
