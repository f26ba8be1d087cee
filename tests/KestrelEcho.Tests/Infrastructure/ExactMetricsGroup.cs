namespace KestrelEcho.Tests.Infrastructure;

/// <summary>
/// OpenTelemetry subscribes to meters by name, process-wide, so every app the tests run in parallel adds to
/// the same counters. Tests that assert exact counter deltas run alone.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ExactMetricsGroup
{
    public const string Name = "Exact metrics";
}
