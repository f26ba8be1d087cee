using KestrelEcho.Connections;
using Microsoft.Extensions.Options;

namespace KestrelEcho.History;

internal static class HistoryServiceCollectionExtensions
{
    public static IServiceCollection AddHistory(this IServiceCollection services)
    {
        services.AddOptions<HistoryOptions>()
            .BindConfiguration(HistoryOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<HistoryOptions>, HistoryOptionsValidator>();
        services.AddSingleton<HistoryDatabase>();
        services.AddSingleton<HistoryStatus>();
        services.AddSingleton<HistoryMetrics>();
        services.AddSingleton<HistoryRetention>();
        services.AddSingleton<HistoryReader>();
        services.AddSingleton<HistoryWriter>();

        // The registry tells the writer of every close; with History:Enabled false the writer ignores them.
        services.AddSingleton<IConnectionCloseObserver>(static services => services.GetRequiredService<HistoryWriter>());
        services.AddHostedService(static services => services.GetRequiredService<HistoryWriter>());
        services.AddHealthChecks().AddCheck<HistoryHealthCheck>(HistoryHealthCheck.Name);
        return services;
    }
}
