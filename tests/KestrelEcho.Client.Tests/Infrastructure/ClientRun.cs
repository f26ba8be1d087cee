using System.Text;
using KestrelEcho.Client.Cli;

namespace KestrelEcho.Client.Tests.Infrastructure;

/// <summary>One in-process run of <c>kestrel-echo</c>: its exit code and everything it wrote.</summary>
public sealed record ClientRun(int ExitCode, string Out, string Error)
{
    /// <summary>The lines on standard error, without the trailing empty one.</summary>
    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Runs the command line with <paramref name="stdin"/> as standard input (text and bytes alike).</summary>
    public static async Task<ClientRun> InvokeAsync(string[] args, byte[]? stdin = null)
    {
        stdin ??= [];
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var input = new StringReader(Encoding.UTF8.GetString(stdin));
        var console = new ClientConsole(input, () => new MemoryStream(stdin, writable: false), output, error, isTerminal: false);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var exitCode = await EchoCommandLine.InvokeAsync(args, console, timeout.Token);
        return new ClientRun(exitCode, output.ToString(), error.ToString());
    }

    public static Task<ClientRun> InvokeAsync(params string[] args) => InvokeAsync(args, stdin: null);
}
