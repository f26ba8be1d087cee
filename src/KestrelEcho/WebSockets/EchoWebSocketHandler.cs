using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using KestrelEcho.Connections;
using KestrelEcho.Echo;
using KestrelEcho.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Net.Http.Headers;

namespace KestrelEcho.WebSockets;

/// <summary>
/// The WebSocket echo: every message comes back with its type, frame by frame, so a message of any size needs only
/// one pooled buffer. Each upgrade is an echo session like a TCP connection, through the same steps: opened and
/// tracked (<see cref="SessionTracker"/>), admitted against the drain, <c>Echo:MaxConnections</c> and
/// <c>Echo:MaxConnectionsPerIp</c> before the upgrade (refused as 503 or 429), echoed, and closed with one reason.
/// </summary>
internal sealed class EchoWebSocketHandler(
    ConnectionAdmission admission,
    EchoSettings settings,
    TimeProvider timeProvider,
    SessionTracker tracker)
{
    /// <summary>What one receive takes: a larger frame or message comes in (and goes back in) pieces of this size.</summary>
    public const int BufferSize = 16 * 1024;

    /// <summary>How long the client gets to answer the service's close frame before the connection is dropped.</summary>
    public static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

    /// <summary>A refused client may try again this much later; behind a balancer, likely on another instance.</summary>
    private const string RetryAfterSeconds = "5";

    public async Task HandleAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await BadUpgradeAsync(context);
            return;
        }

        using var connection = new WebSocketSessionConnection(context, CloseTimeout);
        var session = tracker.Open(context.TraceIdentifier, ConnectionListener.WebSocket, PeerEndPoint(context), LocalEndPoint(context), connection);
        try
        {
            await AdmitAsync(context, session, connection);
        }
        catch (Exception exception) when (exception is OperationCanceledException || connection.ServiceCloseReason is not null)
        {
            // Our abort (a close request before the echo, a close frame never answered, a client that stopped reading),
            // or the client's own abort while the service was closing.
            session.End(connection.ServiceCloseReason ?? session.RequestedCloseReason ?? CloseReason.ClientReset);
        }
        catch (Exception exception) when (exception is WebSocketException or IOException or ConnectionResetException)
        {
            session.End(CloseReason.ClientReset);
        }
        catch (Exception exception)
        {
            tracker.Failed(session, exception);
        }
        finally
        {
            session.OnServerClosing(timeProvider.GetTimestamp());
            await connection.ServiceCloseSent();
            tracker.Close(session, session.EndReason ?? session.RequestedCloseReason ?? CloseReason.Error);
        }
    }

    /// <summary>The limits, in the TCP path's order: the drain and the global limit, then the client's network.</summary>
    private async Task AdmitAsync(HttpContext context, EchoSession session, WebSocketSessionConnection connection)
    {
        if (admission.TryEnter() is { } refusal)
        {
            session.End(refusal);
            await RefuseAsync(context, refusal);
            return;
        }

        try
        {
            var limits = settings.Current;
            if (limits.MaxConnectionsPerIp == 0 || session.RemoteEndPoint?.Address is not { } address)
            {
                await AcceptAsync(context, session, connection);
                return;
            }

            var client = ClientPrefix.Of(address, limits.ClientPrefixV4, limits.ClientPrefixV6);
            if (!admission.TryAddClientConnection(client, limits.MaxConnectionsPerIp))
            {
                session.End(CloseReason.PerIpLimit);
                await RefuseAsync(context, CloseReason.PerIpLimit);
                return;
            }

            try
            {
                await AcceptAsync(context, session, connection);
            }
            finally
            {
                admission.RemoveClientConnection(client);
            }
        }
        finally
        {
            admission.Leave();
        }
    }

    private async Task AcceptAsync(HttpContext context, EchoSession session, WebSocketSessionConnection connection)
    {
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        connection.OnAccepted(socket);
        session.EnterStage(ConnectionStage.Echo, timeProvider.GetTimestamp());
        session.End(await EchoAsync(socket, session, connection, settings.Current.MaxBytesPerConnection));
        if (socket.State != WebSocketState.Closed)
        {
            // The close handshake did not finish: nothing more is owed to this client.
            context.Abort();
        }
    }

    private async Task<CloseReason> EchoAsync(WebSocket socket, EchoSession session, WebSocketSessionConnection connection, long maxBytes)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer.AsMemory(0, BufferSize), connection.Aborted);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    session.OnClientFin(timeProvider.GetTimestamp());
                    return await connection.AnswerClientCloseAsync(socket) ?? CloseReason.ClientClosed;
                }

                // Echo up to the byte limit; what the client sent past it is dropped, and the close frame follows.
                var echoed = received.Count;
                var endOfMessage = received.EndOfMessage;
                var reachedByteLimit = false;
                if (maxBytes > 0 && session.BytesReceived + received.Count >= maxBytes)
                {
                    echoed = (int)Math.Max(0, maxBytes - session.BytesReceived);
                    endOfMessage &= echoed == received.Count;
                    reachedByteLimit = true;
                }

                session.OnReceived(received.Count, timeProvider);

                // After the service's close frame only the client's close is awaited; its data goes nowhere.
                if ((echoed > 0 || endOfMessage) && connection.TryBeginSend())
                {
                    try
                    {
                        await SendAsync(socket, buffer.AsMemory(0, echoed), received.MessageType, endOfMessage, session, connection.Aborted);
                    }
                    finally
                    {
                        connection.EndSend();
                    }

                    session.OnSent(echoed);
                }

                if (reachedByteLimit)
                {
                    connection.Close(CloseReason.ByteLimit);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// A send that does not complete at once waits for the client to take its echo: the session shows since when, so
    /// the sweeper can close a client that never does (<c>Echo:SlowReaderTimeout</c>).
    /// </summary>
    private async ValueTask SendAsync(
        WebSocket socket,
        ReadOnlyMemory<byte> echo,
        WebSocketMessageType type,
        bool endOfMessage,
        EchoSession session,
        CancellationToken aborted)
    {
        var send = socket.SendAsync(echo, type, endOfMessage, aborted);
        if (send.IsCompleted)
        {
            await send;
            return;
        }

        session.OnEchoBlocked(timeProvider.GetTimestamp());
        try
        {
            await send;
        }
        finally
        {
            session.OnEchoUnblocked();
        }
    }

    private static Task RefuseAsync(HttpContext context, CloseReason refusal)
    {
        var (status, title, detail) = refusal switch
        {
            CloseReason.PerIpLimit => (StatusCodes.Status429TooManyRequests, "Too many connections from your network", "Echo:MaxConnectionsPerIp echo sessions are already open from your network (per_ip_limit)."),
            CloseReason.ServerShutdown => (StatusCodes.Status503ServiceUnavailable, "Shutting down", "The service is stopping and takes no new echo sessions (server_shutdown)."),
            _ => (StatusCodes.Status503ServiceUnavailable, "Too many connections", "Echo:MaxConnections echo sessions are already open (connection_limit)."),
        };
        context.Response.Headers.RetryAfter = RetryAfterSeconds;
        return TypedResults.Problem(detail, statusCode: status, title: title).ExecuteAsync(context);
    }

    /// <summary>
    /// Not a WebSocket upgrade: 426 naming what to upgrade to when there was no upgrade at all or the version is not
    /// 13 (RFC 6455 4.4), 400 for an upgrade that is malformed otherwise (no key, no <c>Connection: Upgrade</c>).
    /// </summary>
    private static Task BadUpgradeAsync(HttpContext context)
    {
        var headers = context.Request.Headers;
        int status;
        string detail;
        if (!headers.Upgrade.ToString().Contains("websocket", StringComparison.OrdinalIgnoreCase))
        {
            status = StatusCodes.Status426UpgradeRequired;
            detail = "This path is the WebSocket echo: connect with a WebSocket client (GET with Upgrade: websocket).";
            context.Response.Headers.Upgrade = "websocket";
            context.Response.Headers.Connection = "Upgrade";
        }
        else if (headers.SecWebSocketVersion.ToString() != "13")
        {
            status = StatusCodes.Status426UpgradeRequired;
            detail = $"Only WebSocket version 13 is spoken here; got Sec-WebSocket-Version '{headers.SecWebSocketVersion}'.";
            context.Response.Headers.SecWebSocketVersion = "13";
        }
        else
        {
            status = StatusCodes.Status400BadRequest;
            detail = "Not a valid WebSocket upgrade: it needs Connection: Upgrade and a Sec-WebSocket-Key of 16 bytes in base64.";
        }

        return TypedResults.Problem(detail, statusCode: status, title: "Bad WebSocket upgrade").ExecuteAsync(context);
    }

    /// <summary>
    /// The client as the accepted socket has it: not <c>HttpContext.Connection.RemoteIpAddress</c>, which forwarded
    /// headers rewrite from what any client sends, and would let one dodge the per-client limit.
    /// </summary>
    private static IPEndPoint? PeerEndPoint(HttpContext context) =>
        SocketEndPoint(context, static socket => socket.RemoteEndPoint)
        ?? (context.Connection.RemoteIpAddress is { } address ? new IPEndPoint(address, context.Connection.RemotePort) : null);

    private static IPEndPoint? LocalEndPoint(HttpContext context) =>
        SocketEndPoint(context, static socket => socket.LocalEndPoint)
        ?? (context.Connection.LocalIpAddress is { } address ? new IPEndPoint(address, context.Connection.LocalPort) : null);

    private static IPEndPoint? SocketEndPoint(HttpContext context, Func<Socket, EndPoint?> endPoint)
    {
        try
        {
            return context.Features.Get<IConnectionSocketFeature>()?.Socket is { } socket ? endPoint(socket) as IPEndPoint : null;
        }
        catch (ObjectDisposedException)
        {
            return null;
        }
    }
}
