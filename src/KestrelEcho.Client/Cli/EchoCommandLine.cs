using System.CommandLine;
using KestrelEcho.Client.Bench;
using KestrelEcho.Client.Chat;
using KestrelEcho.Client.Send;
using KestrelEcho.Client.WhoAmI;

namespace KestrelEcho.Client.Cli;

/// <summary>The <c>kestrel-echo</c> command tree, built around a console so tests can run it in-process.</summary>
internal static class EchoCommandLine
{
    public static RootCommand Create(ClientConsole console) =>
        new("kestrel-echo: a client for the KestrelEcho TCP echo service")
        {
            SendCommand.Create(console),
            ChatCommand.Create(console),
            BenchCommand.Create(console),
            WhoAmICommand.Create(console),
        };

    public static Task<int> InvokeAsync(string[] args, ClientConsole console, CancellationToken cancellationToken = default) =>
        Create(console).Parse(args).InvokeAsync(new InvocationConfiguration { Output = console.Out, Error = console.Error }, cancellationToken);
}
