namespace KestrelEcho.Testing;

/// <summary>Waits for a condition with a deadline: the alternative to sleeping in a test.</summary>
public static class Poll
{
    private static readonly TimeSpan s_interval = TimeSpan.FromMilliseconds(20);

    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, what);

    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> what) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, what);

    public static Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what) =>
        UntilAsync(condition, timeout, () => what);

    /// <summary>As above, describing the failure only when it happens, so it can show the last values seen.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {timeout.TotalSeconds:0.#} s: {what()}.");
            }

            await Task.Delay(s_interval, TestContext.Current.CancellationToken);
        }
    }
}
