using Microsoft.Extensions.Options;

namespace KestrelEcho.Admin;

internal static class AdminServiceCollectionExtensions
{
    public static IServiceCollection AddAdmin(this IServiceCollection services)
    {
        services.AddOptions<AdminOptions>()
            .BindConfiguration(AdminOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<AdminOptions>, AdminOptionsValidator>();
        services.AddSingleton<AdminAccessRule>();
        services.AddSingleton<AdminAccessFilter>();
        services.AddSingleton(new AdminOnlyPath(AdminEndpointsExtensions.PathPrefix, Exact: false));
        services.AddSingleton<ConnectionViews>();
        services.ConfigureHttpJsonOptions(static options =>
            options.SerializerOptions.TypeInfoResolverChain.Insert(0, AdminJsonContext.Default));
        services.ConfigureHttpJsonOptions(static options =>
            options.SerializerOptions.TypeInfoResolverChain.Insert(0, HistoryJsonContext.Default));
        return services;
    }
}
