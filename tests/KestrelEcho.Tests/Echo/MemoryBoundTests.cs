using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using KestrelEcho.Echo;
using KestrelEcho.Testing;
using KestrelEcho.Tests.Infrastructure;

namespace KestrelEcho.Tests.Echo;

/// <summary>
/// Clients that write but never read hold a bounded amount of the service's memory. The clients push until the
/// connection takes no more, and on loopback the kernel's autotuned socket buffers take megabytes a connection first,
/// until the machine's TCP memory nears its cap (tcp_mem: about 1.5 GiB here, whatever the number of clients). Past
/// the cap the kernel resets connections (TCPAbortOnMemory), which once failed other tests running beside this one:
/// so it runs alone, after the rest.
/// </summary>
[Collection(SoakGroup.Name)]
public sealed class MemoryBoundTests
{
    private const int Clients = 400;

    // Measured about 135 KiB a client (64 KiB unread input + the output pipe). Kestrel's default 1 MiB input
    // buffer gave about 1 MiB a client.
    private const long ResidentGrowthCeilingPerClient = 300L * 1024;

    [Fact]
    public async Task ClientsThatNeverRead_GrowTheServiceByAFewHundredKiBEachAtMost()
    {
        using var timeout = TestTimeout.Start(180);
        await using var service = ServiceProcess.Start();
        var echo = await service.WaitForEchoEndPointAsync();
        using var http = await service.CreateHttpClientAsync();
        var before = service.ResidentBytes();
        var sockets = new List<Socket>(Clients);
        try
        {
            for (var i = 0; i < Clients; i++)
            {
                // Twenty source addresses keep each under the default per-address limit of 100.
                sockets.Add(await TcpClients.ConnectAsync(echo, timeout.Token, IPAddress.Parse($"127.0.0.{1 + (i % 20)}")));
            }

            var pushed = (await Task.WhenAll(sockets.Select(socket => socket.SendUntilBlockedAsync(static (_, _) => { }, TimeSpan.FromSeconds(2), long.MaxValue, timeout.Token)))).Sum();
            var received = await ReceivedOnceSettledAsync(http, timeout.Token);
            var growth = service.ResidentBytes() - before;

            TestContext.Current.TestOutputHelper?.WriteLine(
                $"{Clients} non-reading clients pushed {pushed / (1024 * 1024)} MiB, the service took {received / (1024 * 1024):0} MiB of it; its RSS grew {growth / (1024 * 1024)} MiB ({growth / Clients / 1024} KiB a client)");
            Assert.True(pushed > Clients * 256L * 1024, $"the clients pushed only {pushed} bytes: the test did not load the service");
            Assert.True(growth < Clients * ResidentGrowthCeilingPerClient, $"service RSS grew {growth / (1024 * 1024)} MiB for {Clients} non-reading clients");
        }
        finally
        {
            sockets.ForEach(static socket => socket.Reset());
        }
    }

    /// <summary>
    /// The bytes the service has read, once it has stopped reading: it goes on taking what the kernel buffered
    /// after the clients' last send, and its memory is measured only after that. The counter moves once a sweeper
    /// tick, so it has settled when it has not moved for two ticks.
    /// </summary>
    private static async Task<double> ReceivedOnceSettledAsync(HttpClient http, CancellationToken cancellationToken)
    {
        var settledAfter = 2 * ConnectionSweeper.Interval;
        double received = -1;
        var lastMove = Stopwatch.GetTimestamp();
        await Poll.UntilAsync(
            async () =>
            {
                var now = PrometheusText.Sum(await http.GetStringAsync("/metrics", cancellationToken), "kestrel_echo_received_bytes_total") ?? 0;
                if (now != received)
                {
                    (received, lastMove) = (now, Stopwatch.GetTimestamp());
                }

                return received > 0 && Stopwatch.GetElapsedTime(lastMove) > settledAfter;
            },
            TimeSpan.FromSeconds(60),
            () => $"the service to stop reading from clients that never read (read {received} bytes so far)");
        return received;
    }
}
