using System.Net;

namespace KestrelEcho.Echo;

/// <summary>
/// The echo path's log events, in the style of HAProxy: one line per echoed connection when it closes (refusals
/// are summarized by <see cref="RefusalLog"/>). Payload bytes are never logged.
/// </summary>
internal static partial class EchoLog
{
    [LoggerMessage(1, LogLevel.Debug, "Connection {ConnectionId} accepted from {RemoteEndPoint} on {LocalEndPoint}", EventName = "ConnectionAccepted")]
    public static partial void ConnectionAccepted(ILogger logger, string connectionId, IPEndPoint? remoteEndPoint, IPEndPoint? localEndPoint);

    [LoggerMessage(2, LogLevel.Information, "Connection {ConnectionId} from {RemoteEndPoint} closed: {CloseReason} after {DurationMs:F1} ms, {BytesReceived} bytes in, {BytesSent} bytes out", EventName = "ConnectionClosed")]
    public static partial void ConnectionClosed(ILogger logger, string connectionId, IPEndPoint? remoteEndPoint, string closeReason, double durationMs, long bytesReceived, long bytesSent);

    [LoggerMessage(3, LogLevel.Error, "Connection {ConnectionId} from {RemoteEndPoint} failed", EventName = "ConnectionFailed")]
    public static partial void ConnectionFailed(ILogger logger, string connectionId, IPEndPoint? remoteEndPoint, Exception exception);
}
