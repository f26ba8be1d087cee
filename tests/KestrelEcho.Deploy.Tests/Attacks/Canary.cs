using System.Diagnostics;
using System.Net.Sockets;

namespace KestrelEcho.Deploy.Tests.Attacks;

/// <summary>
/// A well-behaved client that echoes the whole time an attack runs, on one connection opened before it: every
/// 20 ms a message of 1 to 16 KiB, each byte of the echo compared. The pace leaves the two cores to the attack and
/// the service; any wrong byte, error, close or echo slower than <see cref="ExchangeTimeout"/> ends it, and
/// <see cref="Stopped"/> fails with it.
/// </summary>
internal sealed class Canary
{
    public static readonly TimeSpan ExchangeTimeout = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan s_pace = TimeSpan.FromMilliseconds(20);

    private long _verifiedBytes;
    private long _slowestTicks;

    private Canary(Socket socket, CancellationToken stop) => Stopped = RunAsync(socket, stop);

    /// <summary>Completes when the canary stopped; faulted with what went wrong if it failed.</summary>
    public Task Stopped { get; }

    public long VerifiedBytes => Interlocked.Read(ref _verifiedBytes);

    public TimeSpan SlowestEcho => TimeSpan.FromTicks(Interlocked.Read(ref _slowestTicks));

    /// <summary>Echoes on <paramref name="socket"/>, connected and past any PROXY header, until <paramref name="stop"/>; then closes it.</summary>
    public static Canary Start(Socket socket, CancellationToken stop) => new(socket, stop);

    private async Task RunAsync(Socket socket, CancellationToken stop)
    {
        await Task.Yield();
        using var _ = socket;
        var random = new Random(11);
        var sent = new byte[16 * 1024];
        using var pace = new PeriodicTimer(s_pace);
        while (await Ticks.NextAsync(pace, stop))
        {
            var length = random.Next(1, sent.Length + 1);
            random.NextBytes(sent.AsSpan(0, length));
            var started = Stopwatch.GetTimestamp();
            using var timeout = new CancellationTokenSource(ExchangeTimeout);
            byte[] received;
            try
            {
                await socket.SendAllAsync(sent.AsMemory(0, length), timeout.Token);
                received = await socket.ReceiveExactlyAsync(length, timeout.Token);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                throw new TimeoutException($"The canary's echo of {length} bytes took over {ExchangeTimeout.TotalSeconds} s, after {VerifiedBytes} bytes verified.");
            }

            var elapsed = Stopwatch.GetElapsedTime(started);
            if (!sent.AsSpan(0, length).SequenceEqual(received))
            {
                throw new InvalidDataException($"The canary's echo differs from what it sent, after {VerifiedBytes} bytes verified.");
            }

            Interlocked.Add(ref _verifiedBytes, length);
            if (elapsed.Ticks > Interlocked.Read(ref _slowestTicks))
            {
                Interlocked.Exchange(ref _slowestTicks, elapsed.Ticks);
            }
        }
    }
}
