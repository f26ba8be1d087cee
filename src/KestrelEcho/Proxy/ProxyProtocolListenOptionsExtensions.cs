using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace KestrelEcho.Proxy;

internal static class ProxyProtocolListenOptionsExtensions
{
    /// <summary>
    /// Reads PROXY protocol headers on this endpoint as <paramref name="mode"/> says. Call it before <c>UseHttps</c>:
    /// the header comes before the TLS handshake. With <c>Off</c> nothing is installed, so the feature costs nothing
    /// unless it is used.
    /// </summary>
    public static void UseProxyProtocol(this ListenOptions listen, ProxyProtocolMode mode, IEnumerable<string> trustedProxies, TimeSpan headerTimeout)
    {
        if (mode == ProxyProtocolMode.Off)
        {
            return;
        }

        var services = listen.ApplicationServices;
        var trusted = TrustedProxies.Parse(trustedProxies);
        var timeProvider = services.GetRequiredService<TimeProvider>();
        var logger = services.GetRequiredService<ILogger<ProxyProtocolMiddleware>>();
        listen.Use(next => new ProxyProtocolMiddleware(next, mode, trusted, headerTimeout, timeProvider, logger).OnConnectedAsync);
    }
}
