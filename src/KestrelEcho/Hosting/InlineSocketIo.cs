namespace KestrelEcho.Hosting;

/// <summary>
/// Runs socket completions, Kestrel's pipes and the echo loop on the socket engine's event threads, the way an
/// epoll server works, instead of handing every readiness event to a thread-pool worker. On a one-core budget the
/// hand-off cost an extra thread wake-up per message and a spinning pool (about 20 <c>sched_yield</c> calls per
/// round trip); inline, a round trip is <c>epoll_wait</c>, <c>recv</c> and <c>send</c>. The catch, and the reason
/// Kestrel calls it "unsafe": code that blocks stalls every socket on that event thread. Nothing on our paths blocks
/// (the echo loop, the ops endpoints, health checks; console logging drops rather than waits, see Program.cs).
/// Operators opt out with <c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=0</c>.
/// </summary>
internal static class InlineSocketIo
{
    // The runtime's own switch, read once per process when the first socket registers with the event engine.
    private const string RuntimeSwitch = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    public static bool Enabled => Environment.GetEnvironmentVariable(RuntimeSwitch) == "1";

    /// <summary>Turns inline completions on unless the environment already decided. Call before any socket exists.</summary>
    public static void EnableUnlessConfigured()
    {
        if (Environment.GetEnvironmentVariable(RuntimeSwitch) is null)
        {
            Environment.SetEnvironmentVariable(RuntimeSwitch, "1");
        }
    }
}
