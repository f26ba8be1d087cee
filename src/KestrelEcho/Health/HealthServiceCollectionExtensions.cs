using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace KestrelEcho.Health;

internal static class HealthServiceCollectionExtensions
{
    public static IServiceCollection AddEchoHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck("self", static () => HealthCheckResult.Healthy("The process is serving HTTP."), [HealthTags.Live])
            .AddCheck<EchoListenerHealthCheck>(EchoListenerHealthCheck.Name, tags: [HealthTags.Ready]);
        return services;
    }
}
