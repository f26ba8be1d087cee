using KestrelEcho.Admin;

namespace KestrelEcho.Dashboard;

internal static class DashboardServiceCollectionExtensions
{
    public static IServiceCollection AddDashboard(this IServiceCollection services)
    {
        services.AddSingleton<DashboardAssets>();
        services.AddSingleton<LiveFeed>();

        // With Admin:Port set, the page lives on the management port only, as the API it shows.
        services.AddSingleton(new AdminOnlyPath("/", Exact: true));
        services.AddSingleton(new AdminOnlyPath(DashboardAssets.PathPrefix, Exact: false));
        services.ConfigureHttpJsonOptions(static options =>
            options.SerializerOptions.TypeInfoResolverChain.Insert(0, DashboardJsonContext.Default));
        return services;
    }
}
