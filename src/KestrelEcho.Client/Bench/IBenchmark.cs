namespace KestrelEcho.Client.Bench;

/// <summary>
/// One <c>--mode</c>. A wrong byte ends the run at once with <see cref="BenchFailure"/>; connections that are
/// refused, reset, closed early or time out are counted in <see cref="BenchRun.Counters"/> and the run goes on.
/// </summary>
internal interface IBenchmark
{
    Task<BenchResult> RunAsync(CancellationToken cancellationToken);
}
