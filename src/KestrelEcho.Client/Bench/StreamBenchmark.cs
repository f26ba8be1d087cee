namespace KestrelEcho.Client.Bench;

/// <summary>
/// stream: each connection writes a continuous pattern in writes of <see cref="BenchSettings.Size"/> bytes while
/// reading its echo at the same time, with at most <see cref="BenchSettings.Depth"/> writes unechoed. Measures
/// throughput, and how long each write takes to come back through the stream.
/// </summary>
internal sealed class StreamBenchmark(BenchRun run) : IBenchmark
{
    public Task<BenchResult> RunAsync(CancellationToken cancellationToken) =>
        DuplexLoad.RunAsync(run, connection => new RepeatingPattern(run.Settings.Size, connection), "write echoed", cancellationToken);
}
