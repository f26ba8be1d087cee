using KestrelEcho.Net;

namespace KestrelEcho.Udp;

/// <summary>
/// Settings of the UDP echo (RFC 862 over UDP), bound from the <c>EchoUdp</c> section and read at start. The guards
/// are on by default: a UDP echo that answers anyone at any rate is a reflection and amplification tool.
/// </summary>
internal sealed class EchoUdpOptions
{
    public const string SectionName = "EchoUdp";

    /// <summary>Off by default: a UDP port is opened only when asked for.</summary>
    public bool Enabled { get; set; }

    /// <summary><c>*</c> (every address, IPv6 and IPv4 on one dual-mode socket) or one IP address.</summary>
    public string Address { get; set; } = ListenAddress.Any;

    public int Port { get; set; } = 9999;

    /// <summary>Datagrams a second answered per source address and port; the rest are dropped (<c>rate_limited</c>). 0 turns it off.</summary>
    public int PacketsPerSecondPerClient { get; set; } = 100;

    /// <summary>Datagrams a source may send at once before <see cref="PacketsPerSecondPerClient"/> applies (the token bucket's size).</summary>
    public int BurstPerClient { get; set; } = 200;

    /// <summary>
    /// Bytes a second answered per source (payload), with one second's worth as its burst; past it, datagrams are dropped
    /// (<c>rate_limited</c>). 0 turns it off.
    /// </summary>
    public int BytesPerSecondPerClient { get; set; } = 1_048_576;

    /// <summary>
    /// Larger datagrams are dropped (<c>oversized</c>). 1472 is what fits an Ethernet frame over IPv4 unfragmented:
    /// an echo never sends fragments it was not sent.
    /// </summary>
    public int MaxDatagramSize { get; set; } = 1472;

    /// <summary>
    /// Source ports below 1024 that are answered all the same, as single ports (<c>500</c>) or ranges (<c>600-700</c>).
    /// The known reflector ports are never answered, whatever this says.
    /// </summary>
    public string[] AllowedSourcePorts { get; set; } = [];

    /// <summary>A flow (one source address and port) not heard from for this long is forgotten, with its rate limit state.</summary>
    public TimeSpan FlowIdleTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Flows remembered at once. Sources beyond it share one token bucket of one client's size: a flood of spoofed
    /// sources cannot grow memory, nor get more answers than one client would (the rest: <c>flow_limit</c>).
    /// </summary>
    public int MaxFlows { get; set; } = 10_000;
}
