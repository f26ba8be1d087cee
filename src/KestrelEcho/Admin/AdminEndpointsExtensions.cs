using KestrelEcho.Net;

namespace KestrelEcho.Admin;

internal static class AdminEndpointsExtensions
{
    /// <summary>Everything under it is an admin endpoint: today's list and whatever is added beside it.</summary>
    public const string PathPrefix = "/connections";

    /// <summary>The group every admin endpoint is mapped through, so none can skip the access rule.</summary>
    public static RouteGroupBuilder MapAdminGroup(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGroup(PathPrefix).AddEndpointFilter<AdminAccessFilter>();

    /// <summary>
    /// With <c>Admin:Port</c> set, the admin paths exist only on that listener: 404 elsewhere, for every method,
    /// so the HTTP port does not even reveal them with a 405. Runs before the endpoint, whatever routing chose.
    /// </summary>
    public static WebApplication UseAdminPort(this WebApplication app)
    {
        var endpoints = app.Services.GetRequiredService<ListenEndpoints>();
        app.Use(next => context =>
        {
            if (endpoints.Admin is not null
                && context.Request.Path.StartsWithSegments(PathPrefix)
                && context.Features.Get<AdminConnectionFeature>() is null)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            return next(context);
        });
        return app;
    }
}
