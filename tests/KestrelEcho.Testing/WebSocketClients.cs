using System.Buffers;
using System.Net.WebSockets;
using KestrelEcho.Connections;

namespace KestrelEcho.Testing;

/// <summary>WebSocket clients of the service's WebSocket echo, as a browser or a .NET client speaks to it.</summary>
public static class WebSocketClients
{
    /// <summary>A <see cref="ClientWebSocket"/> connected to <paramref name="uri"/>; <paramref name="configure"/> sets its options first.</summary>
    public static async Task<ClientWebSocket> ConnectAsync(Uri uri, CancellationToken cancellationToken, Action<ClientWebSocketOptions>? configure = null)
    {
        var client = new ClientWebSocket();
        try
        {
            configure?.Invoke(client.Options);
            await client.ConnectAsync(uri, cancellationToken);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Connects to the app's WebSocket echo on its HTTP endpoint.</summary>
    public static Task<ClientWebSocket> ConnectEchoWebSocketAsync(this EchoAppFactory app, CancellationToken cancellationToken, Action<ClientWebSocketOptions>? configure = null) =>
        ConnectAsync(app.EchoWebSocketUri, cancellationToken, configure);

    /// <summary>The app's most recently closed WebSocket session, once there is one.</summary>
    internal static async Task<EchoSession> ClosedWebSocketSessionAsync(this EchoAppFactory app)
    {
        EchoSession? closed = null;
        await Poll.UntilAsync(
            () => (closed = app.ClosedSessions().Find(static session => session.Transport == ConnectionTransport.WebSocket)) is not null,
            TimeSpan.FromSeconds(15),
            "a WebSocket session to close");
        return closed!;
    }

    /// <summary>Sends <paramref name="message"/> as one message, then reads one whole message back; returns its type and bytes.</summary>
    public static async Task<(WebSocketMessageType Type, byte[] Message)> EchoAsync(
        this WebSocket client, ReadOnlyMemory<byte> message, WebSocketMessageType type, CancellationToken cancellationToken)
    {
        await client.SendAsync(message, type, endOfMessage: true, cancellationToken);
        return await client.ReceiveMessageAsync(cancellationToken);
    }

    /// <summary>Reads one whole message, however many frames it comes in; a close frame is returned as an empty Close message.</summary>
    public static async Task<(WebSocketMessageType Type, byte[] Message)> ReceiveMessageAsync(this WebSocket client, CancellationToken cancellationToken)
    {
        var received = new ArrayBufferWriter<byte>();
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var result = await client.ReceiveAsync(buffer.AsMemory(), cancellationToken);
            received.Write(buffer.AsSpan(0, result.Count));
            if (result.EndOfMessage || result.MessageType == WebSocketMessageType.Close)
            {
                return (result.MessageType, received.WrittenSpan.ToArray());
            }
        }
    }
}
