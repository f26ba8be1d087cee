namespace KestrelEcho.Tests.Infrastructure;

/// <summary>
/// The soak and the memory-bound test run alone, after the rest: their load (CPU, and gigabytes of kernel socket
/// buffers) would make other tests' deadlines flaky on a small machine, and other tests' apps would make their
/// timings (idle reaping, latencies) noisy.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SoakGroup
{
    public const string Name = "Soak";
}
