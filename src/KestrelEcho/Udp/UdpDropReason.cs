namespace KestrelEcho.Udp;

/// <summary>Why a datagram got no answer; each is counted (<c>kestrel_echo_udp_dropped_total{reason}</c>), none logged one by one.</summary>
internal enum UdpDropReason
{
    /// <summary>Its source sent more than <c>EchoUdp:PacketsPerSecondPerClient</c> or <c>BytesPerSecondPerClient</c> allow.</summary>
    RateLimited,

    /// <summary>From a port whose service answers datagrams (or from the echo's own port): answering could start a loop or reflect an attack.</summary>
    ReflectorPort,

    /// <summary>From a port below 1024 that <c>EchoUdp:AllowedSourcePorts</c> does not list.</summary>
    PrivilegedPort,

    /// <summary>Larger than <c>EchoUdp:MaxDatagramSize</c>.</summary>
    Oversized,

    /// <summary>From a new source while <c>EchoUdp:MaxFlows</c> flows are remembered, and their shared bucket was empty.</summary>
    FlowLimit,

    /// <summary>The kernel refused the answer (no route, buffer full).</summary>
    SendFailed,
}
