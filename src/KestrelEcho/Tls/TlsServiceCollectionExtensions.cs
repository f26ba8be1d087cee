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

        // Resolved only when the endpoint is enabled: loading the certificate and watching its files starts there.
        services.AddSingleton<EchoTlsCertificateStore>();
        return services;
    }
}
