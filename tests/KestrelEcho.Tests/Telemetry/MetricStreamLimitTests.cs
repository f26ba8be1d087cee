using KestrelEcho.Connections;
using KestrelEcho.Echo;
using KestrelEcho.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace KestrelEcho.Tests.Telemetry;

/// <summary>
/// The point limits of the metric streams: lowered for the runtime's and ASP.NET Core's instruments to save start-up
/// memory, never for ours, whose series multiply with every named listener.
/// </summary>
public sealed class MetricStreamLimitTests : FreshAppTest
{
    [Fact]
    public async Task OurCounters_KeepASeriesForEachOfSixHundredListeners_WithoutOverflow()
    {
        using var timeout = TestTimeout.Start();
        var app = await StartAppAsync();
        var metrics = app.Services.GetRequiredService<EchoMetrics>();

        // Past the 500 points an ASP.NET Core stream gets and the 100 of a runtime one.
        const int listeners = 600;
        for (var i = 0; i < listeners; i++)
        {
            metrics.ConnectionOpened(new ConnectionListener($"many_{i}", ConnectionTransport.Tcp));
        }

        using var http = app.CreateClient();
        var text = await http.GetStringAsync("/metrics", timeout.Token);
        var series = text.Split('\n').Count(static line =>
            line.StartsWith("kestrel_echo_connections_opened_total{", StringComparison.Ordinal)
            && line.Contains("kestrel_echo_listener=\"many_", StringComparison.Ordinal));
        Assert.Equal(listeners, series);
        Assert.DoesNotContain("otel_metric_overflow", text, StringComparison.Ordinal);
    }
}
