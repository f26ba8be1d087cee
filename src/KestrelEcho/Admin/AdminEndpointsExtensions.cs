using KestrelEcho.Net;

namespace KestrelEcho.Admin;

internal static class AdminEndpointsExtensions
{
    /// <summary>Everything under it is an admin endpoint: today's list and whatever is added beside it.</summary>
    public const string PathPrefix = "/connections";

    /// <summary>The group every admin endpoint is mapped through, so none can skip the access rule.</summary>
    public static RouteGroupBuilder MapAdminGroup(this IEndpointRouteBuilder endpoints) => endpoints.MapAdminGroup(PathPrefix);

    /// <summary>An admin group beside <c>/connections</c> (<c>/listeners</c>); its prefix must also be registered as an <see cref="AdminOnlyPath"/>.</summary>
    public static RouteGroupBuilder MapAdminGroup(this IEndpointRouteBuilder endpoints, string prefix) =>
        endpoints.MapGroup(prefix).AddEndpointFilter<AdminAccessFilter>();

    /// <summary>
    /// The group for a page shell of the admin API (the dashboard): the API's network rule without its key
    /// (<see cref="AdminAccessRule.DecideShell"/>). Its paths must also be registered as <see cref="AdminOnlyPath"/>s.
    /// </summary>
    public static RouteGroupBuilder MapAdminShellGroup(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGroup("").AddEndpointFilter(static (context, next) =>
            context.HttpContext.RequestServices.GetRequiredService<AdminAccessFilter>().InvokeForShellAsync(context, next));

    /// <summary>
    /// With <c>Admin:Port</c> set, the admin paths (every <see cref="AdminOnlyPath"/>) exist only on that listener: 404 elsewhere, for every method,
    /// so the HTTP port does not even reveal them with a 405. Runs before the endpoint, whatever routing chose.
    /// </summary>
    public static WebApplication UseAdminPort(this WebApplication app)
    {
        var endpoints = app.Services.GetRequiredService<ListenEndpoints>();
        var adminOnly = app.Services.GetServices<AdminOnlyPath>().ToArray();
        app.Use(next => context =>
        {
            if (endpoints.Admin is not null
                && adminOnly.Any(path => path.Matches(context.Request.Path))
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
