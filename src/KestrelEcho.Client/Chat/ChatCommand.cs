using System.CommandLine;
using KestrelEcho.Client.Cli;
using KestrelEcho.Client.Connections;
using KestrelEcho.Client.Exchange;

namespace KestrelEcho.Client.Chat;

/// <summary>
/// <c>chat</c>: interactive echo. Standard output carries only the echo, so it can be piped; the connection
/// banner and any failure go to standard error.
/// </summary>
internal static class ChatCommand
{
    public static Command Create(ClientConsole console)
    {
        var connection = new ConnectionOptions();
        var command = new Command("chat", "Send standard input line by line and print the echo as it arrives; end with Ctrl-D");
        connection.AddTo(command);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            try
            {
                return await RunAsync(connection.Read(parseResult, console), console, cancellationToken);
            }
            catch (EchoClientException exception)
            {
                console.Fail(exception.Message);
                return ExitCodes.Unreachable;
            }
        });
        return command;
    }

    private static async Task<int> RunAsync(EchoTarget target, ClientConsole console, CancellationToken cancellationToken)
    {
        EchoConnection connection;
        using (var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            connectTimeout.CancelAfter(target.Timeout);
            connection = await EchoConnector.ConnectWithinAsync(target, connectTimeout.Token, cancellationToken);
        }

        await using (connection)
        {
            await console.Error.WriteLineAsync($"kestrel-echo: connected to {connection.RemoteEndPoint} from {connection.LocalEndPoint}; end input (Ctrl-D) to close");
            var session = new ChatSession(connection, console.In, console.Out);
            try
            {
                await session.RunAsync(target.Timeout, cancellationToken);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                console.Fail($"timeout: {session.Received.Length} of {session.Sent.Length} bytes echoed within {target.Timeout.TotalSeconds} s of the end of input");
                return ExitCodes.Unreachable;
            }
            catch (IOException exception)
            {
                console.Fail($"connection lost after {session.Received.Length} of {session.Sent.Length} bytes: {exception.Message}");
                return ExitCodes.WrongEcho;
            }

            var failure = EchoComparison.Compare(session.Sent.Span, session.Received.Span);
            if (failure is not null)
            {
                console.Fail(failure);
                return ExitCodes.WrongEcho;
            }

            return ExitCodes.Success;
        }
    }
}
