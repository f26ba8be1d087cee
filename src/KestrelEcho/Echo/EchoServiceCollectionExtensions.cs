using KestrelEcho.Telemetry;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace KestrelEcho.Echo;

internal static class EchoServiceCollectionExtensions
{
    public static IServiceCollection AddEcho(this IServiceCollection services)
    {
        services.AddOptions<EchoOptions>()
            .BindConfiguration(EchoOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<EchoOptions>, EchoOptionsValidator>();

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ConnectionRegistry>();
        services.AddSingleton<EchoMetrics>();
        return services;
    }
}
