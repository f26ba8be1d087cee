using KestrelEcho.Net;
using KestrelEcho.WebSockets;
using Microsoft.Extensions.Options;

namespace KestrelEcho.Hosting;

/// <summary>
/// Logs one line per endpoint with the address and port actually bound, once Kestrel is listening, so
/// <c>--Echo:Port 0</c> is usable. Kestrel's own "Now listening on: http://…" cannot tell echo from HTTP.
/// </summary>
internal sealed partial class EndpointAnnouncer(ListenEndpoints endpoints, IOptions<EchoWebSocketOptions> webSocket, ILogger<EndpointAnnouncer> logger)
    : IHostedLifecycleService
{
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        LogEchoListening(logger, $"tcp://{endpoints.EchoEndPoint}");
        if (endpoints.EchoTlsEndPoint is { } echoTls)
        {
            LogEchoTlsListening(logger, $"tls://{echoTls}");
        }

        if (endpoints.EchoUdp is { } echoUdp)
        {
            LogEchoUdpListening(logger, $"udp://{echoUdp}");
        }

        foreach (var (name, listen) in endpoints.Listeners)
        {
            LogListenerListening(logger, name, $"tcp://{listen.IPEndPoint}");
        }

        LogHttpListening(logger, $"http://{endpoints.HttpEndPoint}");
        if (webSocket.Value.Enabled)
        {
            LogWebSocketEchoListening(logger, $"ws://{endpoints.HttpEndPoint}{webSocket.Value.Path}");
            if (endpoints.EchoWebSocketEndPoint is { } own)
            {
                LogWebSocketEchoListening(logger, $"ws://{own}{webSocket.Value.Path}");
            }
        }

        if (endpoints.AdminEndPoint is { } admin)
        {
            LogAdminListening(logger, $"http://{admin}");
        }

        LogSocketIo(logger, InlineSocketIo.Enabled ? "inline on the socket engine's threads" : "on the thread pool");
        LogStarted(logger);
        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        LogStopping(logger);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(1, LogLevel.Information, "Echo endpoint listening on {Address}", EventName = "EchoListening")]
    private static partial void LogEchoListening(ILogger logger, string address);

    [LoggerMessage(2, LogLevel.Information, "HTTP endpoint listening on {Address}", EventName = "HttpListening")]
    private static partial void LogHttpListening(ILogger logger, string address);

    [LoggerMessage(3, LogLevel.Information, "Started; press Ctrl+C to stop", EventName = "Started")]
    private static partial void LogStarted(ILogger logger);

    [LoggerMessage(4, LogLevel.Information, "Stopping", EventName = "Stopping")]
    private static partial void LogStopping(ILogger logger);

    [LoggerMessage(5, LogLevel.Information, "Admin endpoint listening on {Address}", EventName = "AdminListening")]
    private static partial void LogAdminListening(ILogger logger, string address);

    [LoggerMessage(6, LogLevel.Information, "TLS echo endpoint listening on {Address}", EventName = "EchoTlsListening")]
    private static partial void LogEchoTlsListening(ILogger logger, string address);

    [LoggerMessage(8, LogLevel.Information, "WebSocket echo listening on {Address}", EventName = "WebSocketEchoListening")]
    private static partial void LogWebSocketEchoListening(ILogger logger, string address);

    [LoggerMessage(9, LogLevel.Information, "UDP echo listening on {Address}", EventName = "EchoUdpListening")]
    private static partial void LogEchoUdpListening(ILogger logger, string address);

    [LoggerMessage(10, LogLevel.Information, "Listener {Name} listening on {Address}", EventName = "ListenerListening")]
    private static partial void LogListenerListening(ILogger logger, string name, string address);

    [LoggerMessage(7, LogLevel.Debug, "Socket I/O runs {SocketIo} (DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS)", EventName = "SocketIo")]
    private static partial void LogSocketIo(ILogger logger, string socketIo);
}
