using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace KestrelEcho.Health;

internal static class HealthEndpointRouteBuilderExtensions
{
    private static readonly string[] s_readMethods = [HttpMethods.Get, HttpMethods.Head];

    /// <summary>
    /// <c>/health</c> (every check), <c>/health/live</c> and <c>/health/ready</c>, in every environment: a probe that
    /// gets 404 in production is worse than none.
    /// </summary>
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealth("/health", static _ => true);
        endpoints.MapHealth("/health/live", static check => check.Tags.Contains(HealthTags.Live));
        endpoints.MapHealth("/health/ready", static check => check.Tags.Contains(HealthTags.Ready));
        return endpoints;
    }

    private static void MapHealth(this IEndpointRouteBuilder endpoints, string path, Func<HealthCheckRegistration, bool> predicate)
    {
        endpoints.MapHealthChecks(path, new HealthCheckOptions
        {
            Predicate = predicate,
            ResponseWriter = HealthReportWriter.WriteAsync,
        }).WithMetadata(new HttpMethodMetadata(s_readMethods));
    }
}
