using System.Net;
using KestrelEcho.Testing;
using KestrelEcho.Tests.Infrastructure;

namespace KestrelEcho.Tests.Telemetry;

[Collection(ExactMetricsGroup.Name)]
public sealed class MetricsEndpointTests(EchoAppFactory app) : EchoAppTest<EchoAppFactory>(app)
{
    [Fact]
    public async Task Metrics_ExportsTheServiceCountersAndKestrels_InPrometheusFormat()
    {
        using var timeout = TestTimeout.Start();
        using var http = App.CreateClient();
        using (var socket = await App.ConnectEchoAsync(timeout.Token))
        {
            await socket.AssertHolaMundoEchoedAsync(timeout.Token);
        }

        var echoPort = $"server_port=\"{App.EchoEndPoint.Port}\"";
        await Poll.UntilAsync(
            async () =>
            {
                var text = await ScrapeAsync(http, timeout.Token);
                return PrometheusText.Sum(text, "kestrel_echo_connections_closed_total", "kestrel_echo_close_reason=\"client_closed\"") >= 1
                    && PrometheusText.Sum(text, "kestrel_echo_connection_duration_seconds_count") >= 1
                    && PrometheusText.Sum(text, "kestrel_echo_connections_opened_total") >= 1
                    && PrometheusText.Sum(text, "kestrel_active_connections", echoPort) is not null
                    && PrometheusText.Sum(text, "kestrel_connection_duration_seconds_count", echoPort) >= 1
                    && PrometheusText.Sum(text, "dotnet_gc_heap_total_allocated_bytes_total") > 0;
            },
            TimeSpan.FromSeconds(10),
            "the echo, Kestrel and runtime series on /metrics");
    }

    [Fact]
    public async Task ByteCounters_GrowByExactlyWhatWasSent()
    {
        using var timeout = TestTimeout.Start();
        using var http = App.CreateClient();
        var before = await ScrapeAsync(http, timeout.Token);
        var receivedBefore = PrometheusText.Sum(before, "kestrel_echo_received_bytes_total") ?? 0;
        var sentBefore = PrometheusText.Sum(before, "kestrel_echo_sent_bytes_total") ?? 0;
        var payload = Payload.Random(123_457, seed: 3);

        using (var socket = await App.ConnectEchoAsync(timeout.Token))
        {
            var sending = socket.SendAllAsync(payload, timeout.Token);
            await socket.ReceiveExactlyAsync(payload.Length, timeout.Token);
            await sending;
        }

        double received = 0, sent = 0;
        await Poll.UntilAsync(
            async () =>
            {
                var text = await ScrapeAsync(http, timeout.Token);
                received = (PrometheusText.Sum(text, "kestrel_echo_received_bytes_total") ?? 0) - receivedBefore;
                sent = (PrometheusText.Sum(text, "kestrel_echo_sent_bytes_total") ?? 0) - sentBefore;
                return received >= payload.Length && sent >= payload.Length;
            },
            TimeSpan.FromSeconds(10),
            () => $"the byte counters to take in the payload (received +{received}, sent +{sent} of {payload.Length})");

        Assert.Equal(payload.Length, received);
        Assert.Equal(payload.Length, sent);
    }

    [Fact]
    public async Task Metrics_CarryNoClientAddressOrPort()
    {
        using var timeout = TestTimeout.Start();
        using var http = App.CreateClient();
        using var socket = await App.ConnectEchoAsync(timeout.Token);
        await socket.SendAllAsync("x"u8.ToArray(), timeout.Token);
        await socket.ReceiveExactlyAsync(1, timeout.Token);
        var clientPort = ((IPEndPoint)socket.LocalEndPoint!).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var text = await ScrapeAsync(http, timeout.Token);

        Assert.DoesNotContain($"\"{clientPort}\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("client_address", text, StringComparison.Ordinal);
        Assert.DoesNotContain("client_port", text, StringComparison.Ordinal);
    }

    private static async Task<string> ScrapeAsync(HttpClient http, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync("/metrics", cancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        return await response.Content.ReadAsStringAsync(cancellationToken);
    }
}
