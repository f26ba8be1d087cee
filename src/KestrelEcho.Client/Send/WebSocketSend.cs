using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using KestrelEcho.Client.Cli;
using KestrelEcho.Client.Connections;
using KestrelEcho.Client.Exchange;

namespace KestrelEcho.Client.Send;

/// <summary>
/// <c>send --ws</c>: the exchange as one WebSocket message to the service's WebSocket echo (text for the text
/// argument, binary for <c>--file</c>), then the close handshake. Exit 0 only for the same bytes, of the same type, in
/// one message, and a normal close.
/// </summary>
internal static class WebSocketSend
{
    public const string DefaultPath = "/ws/echo";

    /// <summary>The HTTP port, where the service serves the WebSocket echo unless <c>EchoWebSocket:Port</c> is set.</summary>
    public const int DefaultPort = 8080;

    private const int ReadChunk = 64 * 1024;

    public static async Task<int> RunAsync(
        EchoTarget target,
        string path,
        byte[] payload,
        WebSocketMessageType type,
        ClientConsole console,
        CancellationToken cancellationToken)
    {
        var uri = new UriBuilder(Uri.UriSchemeWs, target.Host, target.Port, path).Uri;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(target.Timeout);
        using var client = new ClientWebSocket();
        client.Options.CollectHttpResponseDetails = true;
        try
        {
            await client.ConnectAsync(uri, timeout.Token);
        }
        catch (WebSocketException exception)
        {
            console.Fail(client.HttpStatusCode == 0
                ? $"no WebSocket to {uri}: {(exception.InnerException ?? exception).Message}"
                : $"WebSocket upgrade to {uri} refused: {(int)client.HttpStatusCode} {client.HttpStatusCode}{RetryAfter(client)}");
            return ExitCodes.Unreachable;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            console.Fail($"timeout: no WebSocket to {uri} within {TimeSpanText.Seconds(target.Timeout)}");
            return ExitCodes.Unreachable;
        }

        var output = console.Out;
        await output.WriteLineAsync($"websocket:  {uri} (HTTP {(int)client.HttpStatusCode})");
        await output.WriteLineAsync($"sent:       {PayloadText.Describe(payload)} as one {Name(type)} message");
        var started = Stopwatch.GetTimestamp();
        var send = client.SendAsync(payload, type, endOfMessage: true, timeout.Token);
        var (receivedType, received, failure) = await ReceiveMessageAsync(client, payload.Length, timeout.Token);
        var roundTrip = Stopwatch.GetElapsedTime(started);
        await output.WriteLineAsync($"received:   {PayloadText.Describe(received)}{(receivedType is { } got ? $" as one {Name(got)} message" : string.Empty)}");
        await output.WriteLineAsync($"round trip: {roundTrip.TotalMilliseconds.ToString("0.000", CultureInfo.InvariantCulture)} ms");

        if (failure is null)
        {
            await send;
            failure = receivedType != type
                ? $"sent a {Name(type)} message, got a {Name(receivedType!.Value)} one back"
                : EchoComparison.Compare(payload, received);
        }

        if (failure is not null)
        {
            console.Fail(failure);
            return timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested ? ExitCodes.Unreachable : ExitCodes.WrongEcho;
        }

        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
        await output.WriteLineAsync($"close:      {client.CloseStatus} answered");
        return client.CloseStatus == WebSocketCloseStatus.NormalClosure ? ExitCodes.Success : Fail(console, $"close answered with {client.CloseStatus}");
    }

    /// <summary>One whole message back, or why not: a close frame, a reset, a timeout, or more bytes than were sent.</summary>
    private static async Task<(WebSocketMessageType? Type, byte[] Received, string? Failure)> ReceiveMessageAsync(
        ClientWebSocket client, int expected, CancellationToken cancellationToken)
    {
        var received = new ArrayBufferWriter<byte>(Math.Max(1, expected));
        try
        {
            while (true)
            {
                var result = await client.ReceiveAsync(received.GetMemory(ReadChunk), cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return (null, received.WrittenSpan.ToArray(), $"the service closed ({client.CloseStatus} {client.CloseStatusDescription}) after {received.WrittenCount} of {expected} bytes");
                }

                received.Advance(result.Count);
                if (received.WrittenCount > expected)
                {
                    return (result.MessageType, received.WrittenSpan.ToArray(), $"{received.WrittenCount - expected} more bytes came back than were sent");
                }

                if (result.EndOfMessage)
                {
                    return (result.MessageType, received.WrittenSpan.ToArray(), null);
                }
            }
        }
        catch (OperationCanceledException)
        {
            return (null, received.WrittenSpan.ToArray(), $"timeout: {received.WrittenCount} of {expected} bytes echoed");
        }
        catch (WebSocketException exception)
        {
            return (null, received.WrittenSpan.ToArray(), $"{EchoComparison.Short(received.WrittenCount, expected)} ({exception.Message})");
        }
    }

    private static int Fail(ClientConsole console, string message)
    {
        console.Fail(message);
        return ExitCodes.WrongEcho;
    }

    private static string Name(WebSocketMessageType type) => type == WebSocketMessageType.Text ? "text" : "binary";

    private static string RetryAfter(ClientWebSocket client) =>
        client.HttpResponseHeaders?.TryGetValue("Retry-After", out var values) == true ? $" (Retry-After {string.Join(",", values)} s)" : string.Empty;
}
