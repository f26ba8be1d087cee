using System.Text;
using KestrelEcho.Client.Cli;

namespace KestrelEcho.Client.Tests.Infrastructure;

/// <summary>One in-process run of <c>kestrel-echo</c>: its exit code and everything it wrote.</summary>
public sealed record ClientRun(int ExitCode, string Out, string Error)
{
    /// <summary>The lines on standard error, without the trailing empty one.</summary>
    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>
    /// Asserts the exit code and, when it differs, shows what the command wrote to standard error: a failure seen
    /// only once on a shared machine must explain itself.
    /// </summary>
    public void AssertExitCode(int expected) =>
        Assert.True(ExitCode == expected, $"exit code {ExitCode}, expected {expected}; standard error:\n{Error}");

    /// <summary>
    /// The lines on standard error that are not progress: the one a failed command leaves. Progress lines
    /// (once a second, from bench) start with the elapsed seconds.
    /// </summary>
    public string[] FailureLines => [.. ErrorLines.Where(line => line.StartsWith("kestrel-echo:", StringComparison.Ordinal))];

    /// <summary>
    /// Runs the command line with <paramref name="stdin"/> as standard input (text and bytes alike), and a
    /// standard error that is a terminal when <paramref name="errorIsTerminal"/>.
    /// </summary>
    public static async Task<ClientRun> InvokeAsync(string[] args, byte[]? stdin = null, bool errorIsTerminal = false)
    {
        stdin ??= [];
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var input = new StringReader(Encoding.UTF8.GetString(stdin));
        var console = new ClientConsole(input, () => new MemoryStream(stdin, writable: false), output, error, errorIsTerminal);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var exitCode = await EchoCommandLine.InvokeAsync(args, console, timeout.Token);
        return new ClientRun(exitCode, output.ToString(), error.ToString());
    }

    public static Task<ClientRun> InvokeAsync(params string[] args) => InvokeAsync(args, stdin: null);
}
