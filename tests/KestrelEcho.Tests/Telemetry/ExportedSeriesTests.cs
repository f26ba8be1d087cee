using KestrelEcho.Connections;
using KestrelEcho.Net;
using KestrelEcho.Testing;

namespace KestrelEcho.Tests.Telemetry;

/// <summary>What a freshly started service process exports before any echo client came (its own process: no other app adds to it).</summary>
public sealed class ExportedSeriesTests
{
    [Fact]
    public async Task FreshService_ExportsEveryCounterAtZero_AndTheStateGauges()
    {
        using var timeout = TestTimeout.Start();
        await using var service = ServiceProcess.Start("--Echo:MaxConnections", "321");
        using var http = await service.CreateHttpClientAsync();

        var metrics = "";
        await Poll.UntilAsync(
            async () => PrometheusText.Sum(metrics = await http.GetStringAsync("/metrics", timeout.Token), "kestrel_echo_connections_opened_total") is not null,
            TimeSpan.FromSeconds(10),
            "the echo counters on /metrics");

        Assert.Equal(0, PrometheusText.Sum(metrics, "kestrel_echo_connections_opened_total"));
        Assert.Equal(0, PrometheusText.Sum(metrics, "kestrel_echo_received_bytes_total"));
        Assert.Equal(0, PrometheusText.Sum(metrics, "kestrel_echo_sent_bytes_total"));
        foreach (var reason in Enum.GetValues<CloseReason>())
        {
            Assert.Equal(0, PrometheusText.Sum(metrics, "kestrel_echo_connections_closed_total", $"kestrel_echo_close_reason=\"{reason.ToName()}\""));
        }

        Assert.Equal(0, PrometheusText.Sum(metrics, "kestrel_echo_connections_active"));
        Assert.Equal(321, PrometheusText.Sum(metrics, "kestrel_echo_connections_limit"));
        Assert.Equal(0, PrometheusText.Sum(metrics, "kestrel_echo_draining"));
        Assert.Contains("# TYPE kestrel_echo_connections_active gauge", metrics, StringComparison.Ordinal);

        // Renamed without the _count suffix Prometheus keeps for histograms and summaries.
        Assert.True(PrometheusText.Sum(metrics, "dotnet_assembly_loaded") > 0);
        Assert.True(PrometheusText.Sum(metrics, "dotnet_process_cpu_available") > 0);
        Assert.NotNull(PrometheusText.Sum(metrics, "dotnet_timer_active"));
        Assert.DoesNotContain("dotnet_assembly_count", metrics, StringComparison.Ordinal);
    }
}
