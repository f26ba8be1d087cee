namespace KestrelEcho.Testing;

/// <summary>
/// The service runs socket completions inline on the socket engine's threads (InlineSocketIo). In the test process
/// those threads would also run the test clients' code, and a test that computes or blocks there stalls the
/// in-process service's sockets: a source of flaky deadlines. So the test process keeps the runtime's default
/// (completions on the thread pool); the production mode is covered by the tests of the real process
/// (<see cref="ServiceProcess"/>), which does not inherit this setting.
/// </summary>
public static class TestProcessSockets
{
    /// <summary>The runtime's switch, read once per process when the first socket registers with its engine.</summary>
    public const string InlineCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>
    /// Keeps completions on the thread pool unless the environment already chose. Runs before the first in-process
    /// app is built, which is what would otherwise switch the process to inline completions.
    /// </summary>
    public static void UseThreadPoolCompletions()
    {
        if (Environment.GetEnvironmentVariable(InlineCompletionsVariable) is null)
        {
            Environment.SetEnvironmentVariable(InlineCompletionsVariable, "0");
        }
    }
}
