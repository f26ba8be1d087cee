using System.CommandLine;
using System.Text;
using System.Text.Json;
using KestrelEcho.Client.Cli;
using KestrelEcho.Client.Connections;

namespace KestrelEcho.Client.WhoAmI;

/// <summary>
/// <c>whoami HOST:PORT</c>: connects to a <c>Mode: WhoAmI</c> listener, reads the one JSON line it sends first,
/// prints it (readably, or as it came with <c>--json</c>) and closes, sending nothing. Exit 0 for a who-am-i line;
/// 1 for anything else on the first line; 2 when there is no connection or no line within the timeout.
/// </summary>
internal static class WhoAmICommand
{
    /// <summary>
    /// A who-am-i line with every TLV and a client certificate's subject is well under 4 KiB; a server that sends
    /// more without a newline is not a who-am-i listener, and must not make us buffer without bound.
    /// </summary>
    public const int MaxLineBytes = 16 * 1024;

    public static Command Create(ClientConsole console)
    {
        var address = new Argument<string?>("address") { Description = "HOST:PORT of the who-am-i listener ([::1]:PORT for IPv6); or use --host and --port", Arity = ArgumentArity.ZeroOrOne };
        var json = new Option<bool>("--json") { Description = "Print the line as the service sent it" };
        var connection = new ConnectionOptions();
        var command = new Command("whoami", "Show how a Mode: WhoAmI listener sees this connection: client address, PROXY header, TLS") { address, json };
        connection.AddTo(command);

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            try
            {
                var target = connection.Read(parseResult, console);
                if (parseResult.GetValue(address) is { } given)
                {
                    if (!HostAndPort.TryParse(given, out var host, out var port))
                    {
                        console.Fail($"'{given}' is not HOST:PORT");
                        return ExitCodes.WrongEcho;
                    }

                    if (connection.HostGiven(parseResult) || (port is not null && connection.PortGiven(parseResult)))
                    {
                        console.Fail($"'{given}' and --host/--port both name the server: give one");
                        return ExitCodes.WrongEcho;
                    }

                    target = target with { Host = host, Port = port ?? target.Port };
                }

                return await RunAsync(target, parseResult.GetValue(json), console, cancellationToken);
            }
            catch (EchoClientException exception)
            {
                console.Fail(exception.Message);
                return ExitCodes.Unreachable;
            }
        });
        return command;
    }

    private static async Task<int> RunAsync(EchoTarget target, bool json, ClientConsole console, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(target.Timeout);
        var connection = await EchoConnector.ConnectWithinAsync(target, timeout.Token, cancellationToken);
        await using (connection)
        {
            FirstLine line;
            try
            {
                line = await FirstLine.ReadAsync(connection.Stream, MaxLineBytes, timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // A plain echo says nothing until spoken to, so this is what one looks like from here.
                console.Fail($"timeout: no who-am-i line from {target} within {TimeSpanText.Seconds(target.Timeout)}; is it a Mode: WhoAmI listener?");
                return ExitCodes.Unreachable;
            }
            catch (IOException exception)
            {
                console.Fail($"connection to {target} reset before a who-am-i line: {(exception.InnerException ?? exception).Message}");
                return ExitCodes.Unreachable;
            }

            if (Parse(line) is not { } document)
            {
                console.Fail($"the server at {target} did not answer with a who-am-i line; is it a Mode: WhoAmI listener? ({What(line)})");
                return ExitCodes.WrongEcho;
            }

            await console.Out.WriteAsync(json ? Encoding.UTF8.GetString(line.Bytes) + "\n" : WhoAmIReport.Plain(document, connection.LocalEndPoint));
            return ExitCodes.Success;
        }
    }

    private static WhoAmIDocument? Parse(FirstLine line)
    {
        if (!line.Complete)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(line.Bytes, WhoAmIJsonContext.Default.WhoAmIDocument) is { IsComplete: true } document ? document : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string What(FirstLine line) => line switch
    {
        { Complete: true } => $"its first line: {PayloadText.Describe(line.Bytes)}",
        { Closed: true, Bytes.Length: 0 } => "it closed the connection without a word",
        { Closed: true } => $"it closed the connection after {PayloadText.Describe(line.Bytes)} and no newline",
        _ => $"more than {MaxLineBytes} bytes without a newline",
    };
}
