using System.Net;
using KestrelEcho.Admin;
using KestrelEcho.Echo;
using KestrelEcho.Ops;
using KestrelEcho.Proxy;
using KestrelEcho.Tls;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace KestrelEcho.Hosting;

internal static class KestrelEndpointsExtensions
{
    /// <summary>
    /// Binds the echo endpoint, the TLS echo endpoint when enabled, the management endpoint when
    /// <c>Admin:Port</c> is set, then the HTTP endpoint. All are explicit: one explicit listener makes Kestrel
    /// ignore ASPNETCORE_URLS. HTTP comes last because WebApplicationFactory's client uses the last address.
    /// </summary>
    public static WebApplicationBuilder ConfigureListenEndpoints(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ListenEndpoints>();
        builder.Services.AddHostedService<EndpointAnnouncer>();
        builder.UseEchoSocketTransport();

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var services = kestrel.ApplicationServices;
            var endpoints = services.GetRequiredService<ListenEndpoints>();
            var echo = services.GetRequiredService<IOptions<EchoOptions>>().Value;
            var echoTls = services.GetRequiredService<IOptions<EchoTlsOptions>>().Value;
            var http = services.GetRequiredService<IOptions<HttpEndpointOptions>>().Value;
            var admin = services.GetRequiredService<IOptions<AdminOptions>>().Value;

            kestrel.Listen(echo.Address, echo.Port, listen =>
            {
                listen.UseProxyProtocol(echo);
                listen.UseConnectionHandler<EchoConnectionHandler>();
                endpoints.Echo = listen;
            });

            if (echoTls.Enabled)
            {
                var certificates = services.GetRequiredService<EchoTlsCertificateStore>();
                kestrel.Listen(echoTls.Address, echoTls.Port, listen =>
                {
                    // Raw echo, not HTTP: offering h2 or http/1.1 through ALPN would mislead clients.
                    listen.Protocols = HttpProtocols.None;

                    // The proxy's header comes before the client's TLS handshake.
                    listen.UseProxyProtocol(echo);
                    listen.UseEchoTls(certificates, handshakeTimeout: TimeSpan.FromSeconds(10));
                    listen.UseConnectionHandler<EchoConnectionHandler>();
                    endpoints.EchoTls = listen;
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

            kestrel.Listen(http.Address, http.Port, listen => endpoints.Http = listen);
        });

        return builder;
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
