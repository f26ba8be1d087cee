using KestrelEcho.Echo;
using Microsoft.Extensions.Options;

namespace KestrelEcho.WebSockets;

internal static class WebSocketServiceCollectionExtensions
{
    public static IServiceCollection AddEchoWebSockets(this IServiceCollection services)
    {
        services.AddOptions<EchoWebSocketOptions>()
            .BindConfiguration(EchoWebSocketOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<EchoWebSocketOptions>, EchoWebSocketOptionsValidator>();
        services.AddSingleton(static services => new EchoWebSocketHandler(
            services.GetRequiredService<ConnectionAdmission>(),
            services.GetRequiredService<EchoSettings>(),
            services.GetRequiredService<TimeProvider>(),
            services.CreateSessionTracker<EchoWebSocketHandler>()));
        return services;
    }
}
