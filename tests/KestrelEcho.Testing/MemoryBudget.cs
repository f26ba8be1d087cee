namespace KestrelEcho.Testing;

/// <summary>
/// The service's memory figures as docs/operations.md ("Memory per connection") states them: what the soak checks
/// a running service against, and what the deployment artefacts' limits must hold.
/// </summary>
public static class MemoryBudget
{
    /// <summary>
    /// The most one echo connection holds in the process, for a client that does not read: unread input (one 64 KiB
    /// pool buffer, two when a read straddles) and the output pipe (up to 64 KiB unsent before the flush waits, plus
    /// the last read's echo), so at most four 64 KiB buffers, plus about 7 KiB of per-connection objects.
    /// Measured: 135 to 200 KiB on average.
    /// </summary>
    public const long WorstCasePerConnection = 264 * 1024;

    /// <summary>The process with no connection, with room to spare: 66 to 68 MiB measured under JIT, 33 to 35 MB Native AOT.</summary>
    public const long Base = 80L * 1024 * 1024;

    /// <summary>The most the process holds with <paramref name="maxConnections"/> clients that do not read.</summary>
    public static long WorstCase(int maxConnections) => Base + (maxConnections * WorstCasePerConnection);
}
