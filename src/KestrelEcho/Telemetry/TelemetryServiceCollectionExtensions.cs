using KestrelEcho.Echo;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace KestrelEcho.Telemetry;

internal static class TelemetryServiceCollectionExtensions
{
    public const string ServiceName = "kestrel-echo";

    /// <summary>Series a runtime instrument may have: a few generations or error types each.</summary>
    private const int RuntimeCardinalityLimit = 100;

    /// <summary>Series a Kestrel or hosting instrument may have: endpoints, protocols, routes, status codes, error types.</summary>
    private const int AspNetCoreCardinalityLimit = 500;

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
                .AddView(StreamFor)
                // No response cache (the exporter's default is 300 ms): a scrape right after traffic must show it,
                // and Prometheus scrapes far too rarely for rendering to cost anything.
                .AddPrometheusExporter(static prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0));
        services.AddHostedService<CounterSeriesPublisher>();
        return services;
    }

    /// <summary>
    /// The SDK allocates every stream's points up front, 2,000 by default, on the large object heap: with some forty
    /// streams that cost about 5 MB, two gen 2 collections before the service was ready and 2 MB of resident memory
    /// for good (bench/TUNING.md). The runtime's and ASP.NET Core's instruments carry a handful of tag combinations each (generations,
    /// endpoints, error types), so their streams get a limit that still leaves room many times over; ours keep the
    /// default, since every named listener multiplies their series. A combination past a limit is counted in the
    /// stream's overflow series, never lost.
    /// </summary>
    private static MetricStreamConfiguration? StreamFor(System.Diagnostics.Metrics.Instrument instrument) =>
        instrument.Meter.Name switch
        {
            EchoMetrics.MeterName => null,
            "System.Runtime" => new MetricStreamConfiguration { Name = RuntimeName(instrument.Name), CardinalityLimit = RuntimeCardinalityLimit },
            _ => new MetricStreamConfiguration { CardinalityLimit = AspNetCoreCardinalityLimit },
        };

    // Prometheus keeps the _count suffix for histograms and summaries (promtool check metrics flags any other): these
    // three runtime gauges get names that say the same without it.
    private static string? RuntimeName(string name) => name switch
    {
        "dotnet.assembly.count" => "dotnet.assembly.loaded",
        "dotnet.process.cpu.count" => "dotnet.process.cpu.available",
        "dotnet.timer.count" => "dotnet.timer.active",
        _ => null,
    };
}
