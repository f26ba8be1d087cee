using KestrelEcho.Net;
using KestrelEcho.Proxy;
using KestrelEcho.Transport;

namespace KestrelEcho.Echo;

/// <summary>
/// Settings of the TCP echo endpoint, bound from the <c>Echo</c> configuration section. The limits are read for
/// each new connection (the idle timeout and lifetime at every sweep, for open connections too), so a change to
/// appsettings.json applies without a restart; the address and port and the PROXY protocol settings are read once
/// at start.
/// </summary>
internal sealed class EchoOptions
{
    public const string SectionName = "Echo";

    public string Address { get; set; } = ListenAddress.Any;

    public int Port { get; set; } = 9999;

    /// <summary>
    /// The transport under the echo endpoints (plain, TLS, named listeners): <c>Sockets</c>, Kestrel's, or
    /// <c>Epoll</c>, our own Linux epoll loop (one <c>recv</c> a message instead of two, less memory an idle
    /// connection). Read at start; the HTTP endpoints stay on sockets either way.
    /// </summary>
    public EchoTransport Transport { get; set; } = EchoTransport.Sockets;

    /// <summary>
    /// Connections open at once, in every stage (waiting for a PROXY header, in the TLS handshake, echoing); more
    /// are closed at accept (<c>connection_limit</c>).
    /// </summary>
    public int MaxConnections { get; set; } = 10_000;

    /// <summary>
    /// Connections open at once from one client network (<see cref="ClientPrefixV4"/>, <see cref="ClientPrefixV6"/>);
    /// more are refused (<c>per_ip_limit</c>); 0 turns it off. Behind PROXY protocol, the client the header names.
    /// </summary>
    public int MaxConnectionsPerIp { get; set; } = 100;

    /// <summary>The IPv4 prefix length that makes one client for <see cref="MaxConnectionsPerIp"/>: 32 counts each address.</summary>
    public int ClientPrefixV4 { get; set; } = 32;

    /// <summary>The IPv6 prefix length that makes one client: 64, because one host is commonly given a whole /64.</summary>
    public int ClientPrefixV6 { get; set; } = 64;

    /// <summary>
    /// A connection that receives nothing for this long is closed (<c>idle_timeout</c>); zero turns it off.
    /// Generous by default: a person typing in telnet pauses.
    /// </summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// A connection whose echo has waited this long, without a break, for a client that does not take it is closed
    /// (<c>slow_reader</c>); zero turns it off. A client that keeps reading, even slowly, frees the echo again and
    /// again and is never closed by it.
    /// </summary>
    public TimeSpan SlowReaderTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A connection open this long is closed (<c>lifetime_exceeded</c>); zero (default) turns it off.</summary>
    public TimeSpan MaxLifetime { get; set; } = TimeSpan.Zero;

    /// <summary>A connection that has sent this many bytes gets them echoed, then FIN (<c>byte_limit</c>); 0 turns it off.</summary>
    public long MaxBytesPerConnection { get; set; }

    /// <summary>
    /// On SIGTERM, how long new echo connections are still admitted (and served) after readiness turns 503, before
    /// the drain starts refusing them: the time a load balancer needs to notice (its check interval times its fall
    /// count, plus a margin). Zero (default) refuses at once, for when nothing balances by health checks.
    /// </summary>
    public TimeSpan ShutdownDelay { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// After <see cref="ShutdownDelay"/>, how long open connections keep being echoed before they are closed (<c>server_shutdown</c>).
    /// 20 s leaves a Kubernetes default 30 s grace period 10 s of margin; zero closes at once.
    /// </summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How many closed connections <c>GET /connections/recent</c> remembers (read at start).</summary>
    public int RecentConnections { get; set; } = 1000;

    /// <summary>
    /// Whether the echo endpoints (plain and TLS) read a PROXY protocol header first: <c>Off</c>, <c>Optional</c>
    /// or <c>Required</c>. Read at start: with <c>Off</c> no middleware is installed at all.
    /// </summary>
    public ProxyProtocolMode ProxyProtocol { get; set; } = ProxyProtocolMode.Off;

    /// <summary>
    /// The addresses and CIDR ranges of the proxies whose headers are believed. Required unless
    /// <see cref="ProxyProtocol"/> is <c>Off</c>: believing a header from anyone would let any client claim any address.
    /// </summary>
    public string[] TrustedProxies { get; set; } = [];

    /// <summary>How long a connection may take to send its whole PROXY protocol header (<c>proxy_protocol_timeout</c>).</summary>
    public TimeSpan ProxyHeaderTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a TLS handshake may take (<c>handshake_timeout</c>). Read at start.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Connections closed before the echo (refused by a limit, the drain or the PROXY protocol, or failed in the TLS
    /// handshake) are logged as one summary line per close reason per this interval, not one line each. Read at start.
    /// </summary>
    public TimeSpan RefusalLogInterval { get; set; } = TimeSpan.FromSeconds(10);
}
