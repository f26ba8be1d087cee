using KestrelEcho.Echo;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace KestrelEcho.Proxy;

internal static class ProxyProtocolListenOptionsExtensions
{
    /// <summary>
    /// Reads PROXY protocol headers on this endpoint as <c>Echo:ProxyProtocol</c> says. Call it before
    /// <c>UseHttps</c>: the header comes before the TLS handshake. With <c>Off</c> nothing is installed, so the
    /// feature costs nothing unless it is used.
    /// </summary>
    public static void UseProxyProtocol(this ListenOptions listen, EchoOptions echo)
    {
        if (echo.ProxyProtocol == ProxyProtocolMode.Off)
        {
            return;
        }

        var services = listen.ApplicationServices;
        var trustedProxies = TrustedProxies.Parse(echo.TrustedProxies);
        var handler = services.GetRequiredService<EchoConnectionHandler>();
        var timeProvider = services.GetRequiredService<TimeProvider>();
        var logger = services.GetRequiredService<ILogger<ProxyProtocolMiddleware>>();
        listen.Use(next =>
            new ProxyProtocolMiddleware(next, echo.ProxyProtocol, trustedProxies, echo.ProxyHeaderTimeout, handler, timeProvider, logger).OnConnectedAsync);
    }
}
