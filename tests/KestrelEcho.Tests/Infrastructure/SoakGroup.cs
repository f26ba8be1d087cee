namespace KestrelEcho.Tests.Infrastructure;

/// <summary>
/// Soak tests, and the HAProxy test with its three service processes, run alone, after the rest: their load
/// would make other tests' deadlines flaky on a small machine, and other tests' apps would make their timings
/// (idle reaping, latencies, health checks against the shutdown delay) noisy.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SoakGroup
{
    public const string Name = "Soak";
}
