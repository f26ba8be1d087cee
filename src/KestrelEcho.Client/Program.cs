using KestrelEcho.Client.Cli;

namespace KestrelEcho.Client;

// A named entry point rather than top-level statements: the tests see both this assembly's internals and the
// service's public top-level Program, and two global Program types would collide there.
internal static class Program
{
    public static Task<int> Main(string[] args) => EchoCommandLine.InvokeAsync(args, ClientConsole.System());
}
