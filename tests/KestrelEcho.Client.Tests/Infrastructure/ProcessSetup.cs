using System.Runtime.CompilerServices;
using KestrelEcho.Hosting;

namespace KestrelEcho.Client.Tests.Infrastructure;

internal static class ProcessSetup
{
    /// <summary>
    /// The service switches sockets to inline completions before its first socket; the runtime reads that switch
    /// once per process. Test hosts share this process with test clients, so the switch is set here, before any
    /// test runs, and every test sees the mode the service runs in.
    /// </summary>
#pragma warning disable CA2255 // A test assembly's own process set-up, not a library's.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void UseServiceSocketMode() => InlineSocketIo.EnableUnlessConfigured();
}
