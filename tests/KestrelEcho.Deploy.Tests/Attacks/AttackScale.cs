namespace KestrelEcho.Deploy.Tests.Attacks;

/// <summary>
/// How hard the attack battery hits. The figures (<see cref="Full"/>) take a few minutes and run on demand
/// (<c>bench/attacks.sh</c>, which sets <see cref="Variable"/>); every ./test.sh runs the same attacks a tenth as
/// large, with timeouts short enough to keep the class under a minute.
/// </summary>
internal sealed record AttackScale(
    string Name,
    int SilentConnections,
    int SilentLimit,
    TimeSpan SilentTimeout,
    int IPv6Connections,
    int SlowReaders,
    TimeSpan SlowReaderTimeout,
    int RefusedConnects,
    int GarbagePerPort,
    TimeSpan RefusalLogInterval)
{
    public const string Variable = "KESTREL_ECHO_ATTACK_SCALE";

    /// <summary>
    /// The sizes. Echo:MaxConnections stays at its default 10,000: below the 20,000 open files a process may
    /// have here, with room for the listeners, the HTTP side and the connections the limit is refusing. The handshake
    /// and PROXY header timeouts are 30 s: opening 12,000 connections takes this machine about 13 s, and the split
    /// between timed-out and refused connections is exact only when all are open before the first times out.
    /// </summary>
    public static readonly AttackScale Full = new(
        "full",
        SilentConnections: 12_000,
        SilentLimit: 10_000,
        SilentTimeout: TimeSpan.FromSeconds(30),
        IPv6Connections: 20_000,
        SlowReaders: 2_000,
        SlowReaderTimeout: TimeSpan.FromSeconds(10),
        RefusedConnects: 50_000,
        GarbagePerPort: 1_000,
        RefusalLogInterval: TimeSpan.FromSeconds(10));

    public static readonly AttackScale Reduced = new(
        "reduced",
        SilentConnections: 1_200,
        SilentLimit: 1_000,
        SilentTimeout: TimeSpan.FromSeconds(3),
        IPv6Connections: 2_000,
        SlowReaders: 200,
        SlowReaderTimeout: TimeSpan.FromSeconds(2),
        RefusedConnects: 5_000,
        GarbagePerPort: 100,
        RefusalLogInterval: TimeSpan.FromSeconds(2));

    public static AttackScale Current =>
        string.Equals(Environment.GetEnvironmentVariable(Variable), Full.Name, StringComparison.OrdinalIgnoreCase) ? Full : Reduced;
}
