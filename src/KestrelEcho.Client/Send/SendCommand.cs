using System.CommandLine;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using KestrelEcho.Client.Cli;
using KestrelEcho.Client.Connections;
using KestrelEcho.Client.Exchange;

namespace KestrelEcho.Client.Send;

/// <summary>
/// <c>send [text]</c>: one exchange, and a report of the socket, what went out, what came back and how long it
/// took. Exit 0 only for an exact echo; otherwise one line on standard error says why.
/// </summary>
internal static class SendCommand
{
    public const string DefaultText = "Hola mundo";

    public static Command Create(ClientConsole console)
    {
        var text = new Argument<string>("text") { Description = "Text to send (UTF-8)", DefaultValueFactory = _ => DefaultText };
        var file = new Option<string>("--file", "-f") { Description = "Send the bytes of this file instead, or of standard input with '-'" };
        var webSocket = new Option<bool>("--ws") { Description = $"Send it as one WebSocket message to ws://HOST:PORT{WebSocketSend.DefaultPath} (--port defaults to the HTTP port, {WebSocketSend.DefaultPort})" };
        var webSocketPath = new Option<string>("--ws-path") { Description = "The WebSocket echo's path (EchoWebSocket:Path); implies --ws", DefaultValueFactory = _ => WebSocketSend.DefaultPath };
        var udp = new Option<bool>("--udp") { Description = "Send it as one UDP datagram to the UDP echo (EchoUdp), and wait for one reply" };
        var connection = new ConnectionOptions();
        var command = new Command("send", "Send one message and check that the echo is exact") { text, file, webSocket, webSocketPath, udp };
        connection.AddTo(command);

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            try
            {
                var target = connection.Read(parseResult, console);
                var payload = await ReadPayloadAsync(parseResult.GetValue(file), parseResult.GetValue(text)!, console, cancellationToken);
                var asWebSocket = parseResult.GetValue(webSocket) || parseResult.GetResult(webSocketPath) is { Implicit: false };
                if (parseResult.GetValue(udp))
                {
                    if (asWebSocket || target.Tls != TlsMode.None)
                    {
                        console.Fail("--udp sends a plain datagram: drop --ws and the --tls options");
                        return ExitCodes.WrongEcho;
                    }

                    return await UdpSend.RunAsync(target, payload, console, cancellationToken);
                }

                if (asWebSocket)
                {
                    if (target.Tls != TlsMode.None)
                    {
                        console.Fail("--ws speaks plain ws:// (the service's HTTP endpoint has no TLS): drop the --tls options");
                        return ExitCodes.WrongEcho;
                    }

                    var port = connection.PortGiven(parseResult) ? target.Port : WebSocketSend.DefaultPort;
                    var type = parseResult.GetValue(file) is null ? WebSocketMessageType.Text : WebSocketMessageType.Binary;
                    return await WebSocketSend.RunAsync(target with { Port = port }, parseResult.GetValue(webSocketPath)!, payload, type, console, cancellationToken);
                }

                return await RunAsync(target, payload, console, cancellationToken);
            }
            catch (EchoClientException exception)
            {
                console.Fail(exception.Message);
                return ExitCodes.Unreachable;
            }
        });
        return command;
    }

    private static async Task<int> RunAsync(EchoTarget target, byte[] payload, ClientConsole console, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(target.Timeout);
        var connection = await EchoConnector.ConnectWithinAsync(target, timeout.Token, cancellationToken);
        await using (connection)
        {
            var output = console.Out;
            await output.WriteLineAsync($"socket:     {connection.Socket.AddressFamily} {connection.Socket.SocketType} {connection.Socket.ProtocolType}");
            await output.WriteLineAsync($"local:      {connection.LocalEndPoint}");
            await output.WriteLineAsync($"remote:     {connection.RemoteEndPoint} ({target})");
            if (connection.Tls is { } tls)
            {
                await output.WriteLineAsync($"tls:        {tls.SslProtocol} {tls.NegotiatedCipherSuite}, certificate {tls.RemoteCertificate?.Subject}");
            }

            await output.WriteLineAsync($"sent:       {PayloadText.Describe(payload)}");
            var result = await EchoExchange.RunAsync(connection.Stream, payload, timeout.Token);
            await output.WriteLineAsync($"received:   {PayloadText.Describe(result.Received.Span)}");
            await output.WriteLineAsync($"round trip: {result.RoundTrip.TotalMilliseconds.ToString("0.000", CultureInfo.InvariantCulture)} ms");

            switch (result.Outcome)
            {
                case ExchangeOutcome.Exact:
                    return ExitCodes.Success;
                case ExchangeOutcome.Cancelled when !cancellationToken.IsCancellationRequested:
                    console.Fail($"timeout: {result.Received.Length} of {payload.Length} bytes echoed within {TimeSpanText.Seconds(target.Timeout)}");
                    return ExitCodes.Unreachable;
                default:
                    console.Fail(result.Failure!);
                    return ExitCodes.WrongEcho;
            }
        }
    }

    private static async Task<byte[]> ReadPayloadAsync(string? file, string text, ClientConsole console, CancellationToken cancellationToken)
    {
        if (file is null)
        {
            return Encoding.UTF8.GetBytes(text);
        }

        try
        {
            if (file == "-")
            {
                await using var input = console.OpenInputStream();
                using var buffer = new MemoryStream();
                await input.CopyToAsync(buffer, cancellationToken);
                return buffer.ToArray();
            }

            return await File.ReadAllBytesAsync(file, cancellationToken);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new EchoClientException($"cannot read --file '{file}': {exception.Message}", exception);
        }
    }
}
