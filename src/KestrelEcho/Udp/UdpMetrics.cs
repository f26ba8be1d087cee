using System.Diagnostics.Metrics;

namespace KestrelEcho.Udp;

/// <summary>
/// The UDP echo's instruments, observed from its <see cref="Counters"/> at each collection: nothing is measured per
/// datagram. Observed counters are exported from the start, every drop reason at 0 included.
/// </summary>
internal sealed class UdpMetrics
{
    /// <summary>The service's one meter (Echo's <c>EchoMetrics.MeterName</c>); Udp sits below Echo, so it names it itself.</summary>
    public const string MeterName = "KestrelEcho";

    public const string DropReasonTag = "kestrel_echo.udp.drop_reason";

    /// <summary>The totals the receive loop keeps and these instruments report.</summary>
    public UdpEchoCounters Counters { get; } = new();

    public UdpMetrics(IMeterFactory meterFactory, UdpFlowTable flows)
    {
        var counters = Counters;
        var meter = meterFactory.Create(MeterName);
        var reasons = Enum.GetValues<UdpDropReason>()
            .Select(static reason => (reason, new KeyValuePair<string, object?>(DropReasonTag, reason.ToName())))
            .ToArray();

        meter.CreateObservableCounter(
            "kestrel_echo.udp.datagrams.received",
            () => counters.DatagramsReceived,
            unit: "{datagram}",
            description: "UDP datagrams received by the UDP echo, answered or not.");

        meter.CreateObservableCounter(
            "kestrel_echo.udp.datagrams.sent",
            () => counters.DatagramsSent,
            unit: "{datagram}",
            description: "UDP datagrams echoed back to their sender.");

        meter.CreateObservableCounter(
            "kestrel_echo.udp.received",
            () => counters.BytesReceived,
            unit: "By",
            description: "UDP payload bytes received by the UDP echo, answered or not.");

        meter.CreateObservableCounter(
            "kestrel_echo.udp.sent",
            () => counters.BytesSent,
            unit: "By",
            description: "UDP payload bytes echoed back.");

        meter.CreateObservableCounter(
            "kestrel_echo.udp.dropped",
            () => reasons.Select(pair => new Measurement<long>(counters.Dropped(pair.reason), pair.Item2)),
            unit: "{datagram}",
            description: "UDP datagrams not answered, by reason: rate_limited, reflector_port, privileged_port, oversized, flow_limit, send_failed.");

        meter.CreateObservableUpDownCounter(
            "kestrel_echo.udp.flows.active",
            () => flows.Count,
            unit: "{flow}",
            description: "UDP sources (address and port) heard from within EchoUdp:FlowIdleTimeout, at most EchoUdp:MaxFlows.");
    }
}
