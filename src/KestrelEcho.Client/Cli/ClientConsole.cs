namespace KestrelEcho.Client.Cli;

/// <summary>
/// Where a command reads and writes. The process uses the real console; tests hand in readers and writers,
/// so commands run in-process against a real service without touching the test runner's console.
/// </summary>
internal sealed class ClientConsole(TextReader input, Func<Stream> openInputStream, TextWriter output, TextWriter error, bool errorIsTerminal)
{
    /// <summary>Standard input as lines, for <c>chat</c>.</summary>
    public TextReader In { get; } = input;

    /// <summary>Standard input as bytes, for <c>send --file -</c>: text decoding would corrupt binary input.</summary>
    public Func<Stream> OpenInputStream { get; } = openInputStream;

    public TextWriter Out { get; } = output;

    public TextWriter Error { get; } = error;

    /// <summary>
    /// Whether standard error is a terminal: then progress is redrawn in place on one line; otherwise (a log, a
    /// pipe) it is written as plain lines, which nothing garbles.
    /// </summary>
    public bool ErrorIsTerminal { get; } = errorIsTerminal;

    public static ClientConsole System() =>
        new(Console.In, Console.OpenStandardInput, Console.Out, Console.Error, !Console.IsErrorRedirected);

    /// <summary>The one line a failed command leaves on standard error.</summary>
    public void Fail(string message) => Error.WriteLine($"kestrel-echo: {message}");
}
