using KestrelEcho.Echo;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace KestrelEcho.Telemetry;

internal static class TelemetryServiceCollectionExtensions
{
    public const string ServiceName = "kestrel-echo";

    /// <summary>The meters exported on <c>/metrics</c>: ours, Kestrel's, ASP.NET Core's and the runtime's.</summary>
    private static readonly string[] s_meters =
    [
        EchoMetrics.MeterName,
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Hosting",
        "System.Runtime",
    ];

    public static IServiceCollection AddEchoTelemetry(this IServiceCollection services)
    {
        services.AddOpenTelemetry()
            .ConfigureResource(static resource => resource.AddService(ServiceName))
            .WithMetrics(static metrics => metrics
                .AddMeter(s_meters)
                // Prometheus keeps the _count suffix for histograms and summaries (promtool check metrics flags
                // any other): these three runtime gauges get names that say the same without it.
                .AddView("dotnet.assembly.count", "dotnet.assembly.loaded")
                .AddView("dotnet.process.cpu.count", "dotnet.process.cpu.available")
                .AddView("dotnet.timer.count", "dotnet.timer.active")
                // No response cache (the exporter's default is 300 ms): a scrape right after traffic must show it,
                // and Prometheus scrapes far too rarely for rendering to cost anything.
                .AddPrometheusExporter(static prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0));
        services.AddHostedService<CounterSeriesPublisher>();
        return services;
    }
}
