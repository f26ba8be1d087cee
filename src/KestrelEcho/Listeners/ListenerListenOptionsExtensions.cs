using KestrelEcho.Echo;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace KestrelEcho.Listeners;

internal static class ListenerListenOptionsExtensions
{
    /// <summary>Ends a named listener's path with its own handler: its mode and impairments, in place of the plain echo's.</summary>
    public static void UseListenerHandler(this ListenOptions listen, Listener listener)
    {
        var services = listen.ApplicationServices;
        var handler = new ListenerConnectionHandler(
            listener,
            services.GetRequiredService<EchoConnectionHandler>(),
            services.GetRequiredService<WhoAmIWriter>(),
            services.GetRequiredService<TimeProvider>());
        listen.Run(handler.OnConnectedAsync);
    }
}
