using System.Net;
using KestrelEcho.Echo;
using KestrelEcho.Ops;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace KestrelEcho.Hosting;

internal static class KestrelEndpointsExtensions
{
    /// <summary>
    /// Binds the echo endpoint, then the HTTP endpoint. Both are explicit: one explicit listener makes Kestrel
    /// ignore ASPNETCORE_URLS. HTTP comes last because WebApplicationFactory's client uses the last address.
    /// </summary>
    public static WebApplicationBuilder ConfigureListenEndpoints(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ListenEndpoints>();
        builder.Services.AddHostedService<EndpointAnnouncer>();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var services = kestrel.ApplicationServices;
            var endpoints = services.GetRequiredService<ListenEndpoints>();
            var echo = services.GetRequiredService<IOptions<EchoOptions>>().Value;
            var http = services.GetRequiredService<IOptions<HttpEndpointOptions>>().Value;

            kestrel.Listen(echo.Address, echo.Port, listen =>
            {
                listen.UseConnectionHandler<EchoConnectionHandler>();
                endpoints.Echo = listen;
            });

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
