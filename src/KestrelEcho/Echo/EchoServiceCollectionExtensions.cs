using KestrelEcho.Connections;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace KestrelEcho.Echo;

internal static class EchoServiceCollectionExtensions
{
    /// <summary>Time Kestrel gets, after the shutdown delay and the drain, to close what is left before the host gives up on it.</summary>
    private static readonly TimeSpan s_shutdownMargin = TimeSpan.FromSeconds(5);

    public static IServiceCollection AddEcho(this IServiceCollection services)
    {
        services.AddOptions<EchoOptions>()
            .BindConfiguration(EchoOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<EchoOptions>, EchoOptionsValidator>();

        // The shutdown delay and the drain run inside the host's shutdown timeout, so that timeout must outlast both. HostOptions are
        // the first options the host reads (at Build, before ValidateOnStart runs): validate every setting
        // here, so a bad configuration is reported whole, not just the first invalid section read.
        services.AddOptions<HostOptions>()
            .Configure<IStartupValidator, IOptions<EchoOptions>>(static (host, validator, echo) =>
            {
                validator.Validate();
                host.ShutdownTimeout = echo.Value.ShutdownDelay + echo.Value.DrainTimeout + s_shutdownMargin;
            });

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<EchoSettings>();
        services.AddSingleton<DrainState>();
        services.AddSingleton(static services => new ConnectionRegistry(
            services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<IOptions<EchoOptions>>().Value.RecentConnections,
            services.GetService<IConnectionCloseObserver>()));
        services.AddSingleton<ConnectionAdmission>();
        services.AddSingleton<EchoMetrics>();

        // One handler for every echo endpoint (UseConnectionHandler takes it from here).
        services.AddSingleton<EchoConnectionHandler>();
        services.AddSingleton<RefusalLog>();
        services.AddHostedService(static services => services.GetRequiredService<RefusalLog>());
        services.AddHostedService<ConnectionSweeper>();
        services.AddHostedService<EchoDrain>();
        return services;
    }

    /// <summary>A <see cref="SessionTracker"/> that logs under <typeparamref name="TCategory"/>, the path it tracks for.</summary>
    public static SessionTracker CreateSessionTracker<TCategory>(this IServiceProvider services) => new(
        services.GetRequiredService<ConnectionRegistry>(),
        services.GetRequiredService<EchoMetrics>(),
        services.GetRequiredService<RefusalLog>(),
        services.GetRequiredService<TimeProvider>(),
        services.GetRequiredService<ILogger<TCategory>>());
}
