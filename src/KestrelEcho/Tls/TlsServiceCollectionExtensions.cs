using Microsoft.Extensions.Options;

namespace KestrelEcho.Tls;

internal static class TlsServiceCollectionExtensions
{
    public static IServiceCollection AddEchoTls(this IServiceCollection services)
    {
        services.AddOptions<EchoTlsOptions>()
            .BindConfiguration(EchoTlsOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<EchoTlsOptions>, EchoTlsOptionsValidator>();
        return services;
    }
}
