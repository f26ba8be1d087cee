using Microsoft.Extensions.Options;

namespace KestrelEcho.Ops;

internal static class OpsServiceCollectionExtensions
{
    public static IServiceCollection AddOps(this IServiceCollection services)
    {
        services.AddOptions<HttpEndpointOptions>()
            .BindConfiguration(HttpEndpointOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<HttpEndpointOptions>, HttpEndpointOptionsValidator>();
        services.AddProblemDetails();
        return services;
    }
}
