using KestrelEcho.Admin;
using Microsoft.Extensions.Options;

namespace KestrelEcho.Listeners;

internal static class ListenersServiceCollectionExtensions
{
    public static IServiceCollection AddListeners(this IServiceCollection services)
    {
        services.AddOptions<ListenersOptions>()
            .BindConfiguration(ListenersOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ListenersOptions>, ListenersOptionsValidator>();
        services.AddSingleton<ListenerCatalog>();
        services.AddSingleton<ServerIdentity>();
        services.AddSingleton<WhoAmIWriter>();
        services.AddSingleton(new AdminOnlyPath(ListenersEndpoints.PathPrefix, Exact: false));
        services.ConfigureHttpJsonOptions(static options =>
            options.SerializerOptions.TypeInfoResolverChain.Insert(0, ListenersJsonContext.Default));
        return services;
    }
}
