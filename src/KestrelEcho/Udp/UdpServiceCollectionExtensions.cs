using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace KestrelEcho.Udp;

internal static class UdpServiceCollectionExtensions
{
    public static IServiceCollection AddEchoUdp(this IServiceCollection services)
    {
        services.AddOptions<EchoUdpOptions>()
            .BindConfiguration(EchoUdpOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<EchoUdpOptions>, EchoUdpOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(static services => new UdpFlowTable(
            services.GetRequiredService<IOptions<EchoUdpOptions>>().Value,
            services.GetRequiredService<TimeProvider>()));
        // Made with the service, enabled or not, so the series are exported (at 0) either way.
        services.AddSingleton<UdpMetrics>();
        services.AddHostedService<UdpEchoService>();
        return services;
    }
}
