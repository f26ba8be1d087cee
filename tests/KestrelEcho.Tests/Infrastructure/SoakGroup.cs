namespace KestrelEcho.Tests.Infrastructure;

/// <summary>
/// Soak tests run alone, after the rest: their load would make other tests' deadlines flaky on a small
/// machine, and other tests' apps would make the soak's timings (idle reaping, latencies) noisy.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SoakGroup
{
    public const string Name = "Soak";
}
