namespace KestrelEcho.Client.Bench;

/// <summary>
/// pingpong: each connection sends messages of <see cref="BenchSettings.Size"/> bytes and keeps at most
/// <see cref="BenchSettings.Depth"/> unechoed (1: a strict ping-pong); every message carries its sequence
/// number. Measures messages per second and each message's round trip.
/// </summary>
internal sealed class PingPongBenchmark(BenchRun run) : IBenchmark
{
    public Task<BenchResult> RunAsync(CancellationToken cancellationToken) =>
        DuplexLoad.RunAsync(run, connection => new SequencedMessages(run.Settings.Size, connection), "message round trip", cancellationToken);
}
