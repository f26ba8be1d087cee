using KestrelEcho.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace KestrelEcho.Echo;

/// <summary>The echo path's layers, to be added to an endpoint outermost first.</summary>
internal static class EchoListenOptionsExtensions
{
    public static void UseConnectionTracking(this ListenOptions listen, ConnectionListener listener)
    {
        var services = listen.ApplicationServices;
        var timeProvider = services.GetRequiredService<TimeProvider>();
        var tracker = services.CreateSessionTracker<ConnectionTrackingMiddleware>();
        listen.Use(next => new ConnectionTrackingMiddleware(next, listener, tracker, timeProvider).OnConnectedAsync);
    }

    public static void UseConnectionLimit(this ListenOptions listen)
    {
        var admission = listen.ApplicationServices.GetRequiredService<ConnectionAdmission>();
        listen.Use(next => new ConnectionLimitMiddleware(next, admission).OnConnectedAsync);
    }

    public static void UseClientLimit(this ListenOptions listen)
    {
        var services = listen.ApplicationServices;
        var admission = services.GetRequiredService<ConnectionAdmission>();
        var settings = services.GetRequiredService<EchoSettings>();
        listen.Use(next => new ClientLimitMiddleware(next, admission, settings).OnConnectedAsync);
    }

    /// <summary>Marks <paramref name="stage"/> for the layer added next, when that layer is not ours.</summary>
    public static void UseStage(this ListenOptions listen, ConnectionStage stage)
    {
        var timeProvider = listen.ApplicationServices.GetRequiredService<TimeProvider>();
        listen.Use(next => new ConnectionStageMiddleware(next, stage, timeProvider).OnConnectedAsync);
    }

    /// <summary>Records the TLS handshake's outcome on the session; add it right after the TLS layer.</summary>
    public static void UseTlsDetails(this ListenOptions listen) =>
        listen.Use(static next => new TlsDetailsMiddleware(next).OnConnectedAsync);
}
