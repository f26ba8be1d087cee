using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using KestrelEcho.Testing;
using KestrelEcho.Tests.Infrastructure;

namespace KestrelEcho.Tests.Soak;

/// <summary>
/// 2,000 clients from 20 addresses each send 1 MiB and read 200 bytes a second, against the service in its own
/// process: its memory stays under the stated bound (docs/operations.md, "Memory per connection"), clients that read
/// normally are served throughout, and every slow client is closed with <c>slow_reader</c>, after the timeout.
/// </summary>
/// <remarks>
/// The slow clients advertise a 1460-byte MSS, as over Ethernet: on loopback's 64 KiB segments the kernel would size
/// the service's send buffer at megabytes and take the whole 1 MiB without the echo ever waiting. Their own buffers
/// are small, so the machine's TCP memory stays under its cap (see <see cref="MemoryBoundTests"/>).
/// </remarks>
[Collection(SoakGroup.Name)]
public sealed class SlowReaderSoakTests
{
    private const int SlowClients = 2000;
    private const int SourceAddresses = 20;
    private const int BytesEach = 1024 * 1024;
    private const int ReadPerSecond = 200;
    private const int Canaries = 4;

    // IPPROTO_TCP, TCP_MAXSEG (Linux): the MSS a client announces in its SYN.
    private const int TcpLevel = 6;
    private const int TcpMaxSegment = 2;

    private static readonly TimeSpan s_slowReaderTimeout = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task TwoThousandSlowReaders_StayUnderTheMemoryBound_CanariesAreServed_AndEachIsClosedAsSlowReader()
    {
        using var timeout = TestTimeout.Start(90);
        await using var service = ServiceProcess.Start("--Echo:SlowReaderTimeout", s_slowReaderTimeout.ToString("c", CultureInfo.InvariantCulture));
        var echo = await service.WaitForEchoEndPointAsync();
        using var http = await service.CreateHttpClientAsync();
        var before = service.ResidentBytes();

        var started = Stopwatch.StartNew();
        var slow = await Task.WhenAll(Enumerable.Range(0, SlowClients).Select(i => ConnectSlowClientAsync(echo, i, timeout.Token)));
        using var canariesStop = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
        var canaries = Enumerable.Range(0, Canaries).Select(i => CanaryAsync(echo, i, canariesStop.Token)).ToArray();
        var outcomes = await Task.WhenAll(slow.Select(socket => SlowClientAsync(socket, timeout.Token)));
        var slowDone = started.Elapsed;
        await canariesStop.CancelAsync();
        var rounds = await Task.WhenAll(canaries);

        var peak = service.PeakResidentBytes();
        var bound = before + (SlowClients * MemoryBudget.WorstCasePerConnection);
        var closes = PrometheusText.Sum(await http.GetStringAsync("/metrics", timeout.Token), "kestrel_echo_connections_closed_total", "kestrel_echo_close_reason=\"slow_reader\"") ?? 0;
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{SlowClients} slow clients sent {outcomes.Sum(static o => o.Sent) / (1024 * 1024)} MiB, read {outcomes.Sum(static o => o.Read) / 1024} KiB, all closed {slowDone.TotalSeconds:0.0} s after the first connect; " +
            $"the service's RSS: {before / (1024 * 1024)} MiB before, peak {peak / (1024 * 1024)} MiB ({(peak - before) / SlowClients / 1024} KiB a client; bound {bound / (1024 * 1024)} MiB); canaries: {rounds.Sum()} round trips");

        Assert.All(outcomes, static outcome => Assert.True(outcome.Reset, $"a slow client was not reset: {outcome}"));
        Assert.All(outcomes, outcome => Assert.True(outcome.ClosedAfter >= s_slowReaderTimeout, $"a slow client was closed {outcome.ClosedAfter.TotalSeconds:0.00} s after it connected, before the timeout"));
        Assert.Equal(SlowClients, closes);
        Assert.True(peak < bound, $"the service's RSS peaked at {peak / (1024 * 1024)} MiB, over the bound of {bound / (1024 * 1024)} MiB");
        Assert.All(rounds, count => Assert.True(count >= slowDone.TotalSeconds, $"a canary made only {count} round trips in {slowDone.TotalSeconds:0} s"));
    }

    private static async Task<Socket> ConnectSlowClientAsync(IPEndPoint echo, int index, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096, SendBufferSize = 64 * 1024 };
        try
        {
            socket.SetRawSocketOption(TcpLevel, TcpMaxSegment, BitConverter.GetBytes(1460));
            socket.Bind(new IPEndPoint(new IPAddress([127, 0, 0, (byte)(1 + (index % SourceAddresses))]), 0));
            await socket.ConnectAsync(echo, cancellationToken);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Once a second: sends what the connection takes of its 1 MiB, reads up to 200 bytes; until the service resets it.</summary>
    private static async Task<SlowClientOutcome> SlowClientAsync(Socket socket, CancellationToken cancellationToken)
    {
        using var _ = socket;
        var chunk = new byte[64 * 1024];
        var buffer = new byte[ReadPerSecond];
        var connected = Stopwatch.StartNew();
        long sent = 0;
        long read = 0;
        socket.Blocking = false;
        using var ticks = new PeriodicTimer(TimeSpan.FromSeconds(1));
        do
        {
            var error = SocketError.Success;
            while (sent < BytesEach)
            {
                var written = socket.Send(chunk, 0, (int)Math.Min(chunk.Length, BytesEach - sent), SocketFlags.None, out error);
                if (written <= 0)
                {
                    break;
                }

                sent += written;
            }

            if (error is not (SocketError.WouldBlock or SocketError.Success))
            {
                return new(sent, read, error == SocketError.ConnectionReset, connected.Elapsed);
            }

            var received = socket.Receive(buffer, 0, buffer.Length, SocketFlags.None, out error);
            read += received;
            if (error is not (SocketError.WouldBlock or SocketError.Success) || (error == SocketError.Success && received == 0))
            {
                return new(sent, read, error == SocketError.ConnectionReset, connected.Elapsed);
            }
        }
        while (await ticks.WaitForNextTickAsync(cancellationToken));

        return new(sent, read, Reset: false, connected.Elapsed);
    }

    /// <summary>A client that reads normally: a 4 KiB round trip, checked, a few times a second, on a connection of its own each time.</summary>
    private static async Task<int> CanaryAsync(IPEndPoint echo, int index, CancellationToken stop)
    {
        var payload = Payload.Random(4096, seed: index);
        var rounds = 0;
        using var ticks = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        try
        {
            while (await ticks.WaitForNextTickAsync(stop))
            {
                using var socket = await TcpClients.ConnectAsync(echo, stop, IPAddress.Parse($"127.0.1.{1 + index}"));
                await socket.SendAllAsync(payload, stop);
                Assert.Equal(payload, await socket.ReceiveExactlyAsync(payload.Length, stop));
                socket.Shutdown(SocketShutdown.Send);
                Assert.Empty(await socket.ReceiveToEndAsync(stop));
                rounds++;
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }

        return rounds;
    }

    private sealed record SlowClientOutcome(long Sent, long Read, bool Reset, TimeSpan ClosedAfter);
}
