using KestrelEcho.Testing;

namespace KestrelEcho.Tests.Udp;

/// <summary>The UDP echo's counters as <c>/metrics</c> exports them (the names Prometheus sees).</summary>
internal static class UdpMetricsText
{
    public static async Task<double> DroppedAsync(HttpClient http, string reason, CancellationToken cancellationToken) =>
        PrometheusText.Sum(await http.GetStringAsync("/metrics", cancellationToken), "kestrel_echo_udp_dropped_total", $"reason=\"{reason}\"")
            ?? throw new InvalidOperationException($"/metrics has no kestrel_echo_udp_dropped_total{{reason=\"{reason}\"}}.");

    public static async Task<double> ValueAsync(HttpClient http, string metric, CancellationToken cancellationToken) =>
        PrometheusText.Sum(await http.GetStringAsync("/metrics", cancellationToken), metric)
            ?? throw new InvalidOperationException($"/metrics has no {metric}.");
}
