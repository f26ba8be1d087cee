namespace KestrelEcho.Client.Cli;

/// <summary>
/// Where a command reads and writes. The process uses the real console; tests hand in readers and writers,
/// so commands run in-process against a real service without touching the test runner's console.
/// </summary>
internal sealed class ClientConsole(TextReader input, Func<Stream> openInputStream, TextWriter output, TextWriter error, bool isTerminal)
{
    /// <summary>Standard input as lines, for <c>chat</c>.</summary>
    public TextReader In { get; } = input;

    /// <summary>Standard input as bytes, for <c>send --file -</c>: text decoding would corrupt binary input.</summary>
    public Func<Stream> OpenInputStream { get; } = openInputStream;

    public TextWriter Out { get; } = output;

    public TextWriter Error { get; } = error;

    /// <summary>Whether a person is watching standard output; only then is live progress worth drawing.</summary>
    public bool IsTerminal { get; } = isTerminal;

    public static ClientConsole System() =>
        new(Console.In, Console.OpenStandardInput, Console.Out, Console.Error, !Console.IsOutputRedirected);

    /// <summary>The one line a failed command leaves on standard error.</summary>
    public void Fail(string message) => Error.WriteLine($"kestrel-echo: {message}");
}
