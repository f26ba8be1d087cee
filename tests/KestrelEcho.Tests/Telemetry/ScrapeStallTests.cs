using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using KestrelEcho.Testing;

namespace KestrelEcho.Tests.Telemetry;

/// <summary>
/// A scrape must never hold up echo traffic. The service runs HTTP requests on the socket engine's threads
/// (inline completions), so a scrape that blocked a thread would stall every connection on it: hence the real
/// process, whose socket mode is the production one.
/// </summary>
public sealed class ScrapeStallTests
{
    private const int ConcurrentScrapes = 16;

    /// <summary>A bound on starvation, not a speed target: a round trip normally takes well under a millisecond.</summary>
    private static readonly TimeSpan s_answerWithin = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Far longer than 16 scrapes take; a stall would last as long as the stuck client is let be (minutes: Kestrel
    /// allows a response 240 bytes/s), so it falls inside this window.
    /// </summary>
    private static readonly TimeSpan s_probeFor = TimeSpan.FromSeconds(3);

    /// <summary>Far more than 16 scrapes take; far less than the minutes a stuck reader could hold them.</summary>
    private static readonly TimeSpan s_scrapesAnswerWithin = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan s_pace = TimeSpan.FromMilliseconds(10);

    [Fact]
    public async Task ClientThatNeverReadsItsScrape_Next16Scrapes_LeavesTheEchoAnswering()
    {
        using var timeout = TestTimeout.Start(60);
        await using var service = ServiceProcess.Start();
        using var http = await service.CreateHttpClientAsync();
        var httpEndPoint = await service.WaitForHttpEndPointAsync();
        using var probe = await service.ConnectEchoAsync(timeout.Token);
        await probe.AssertHolaMundoEchoedAsync(timeout.Token);

        // Pipelined scrapes until the service stops taking requests: it is then stuck writing a response that the
        // client's tiny receive window does not take.
        using var stuck = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await stuck.ConnectAsync(httpEndPoint, timeout.Token);
        var request = Encoding.ASCII.GetBytes($"GET /metrics HTTP/1.1\r\nHost: {httpEndPoint}\r\n\r\n");
        await stuck.SendUntilBlockedAsync(
            (chunk, offset) =>
            {
                for (var i = 0; i < chunk.Length; i++)
                {
                    chunk[i] = request[(offset + i) % request.Length];
                }
            },
            quiet: TimeSpan.FromMilliseconds(500),
            ceiling: 64L * 1024 * 1024,
            timeout.Token);

        var scrapes = Enumerable.Range(0, ConcurrentScrapes)
            .Select(_ => http.GetAsync("/metrics", timeout.Token))
            .ToArray();
        var slowest = await ProbeAsync(probe, timeout.Token);

        Assert.True(slowest < s_answerWithin, $"An echo round trip took {slowest.TotalSeconds:0.###} s next to a stuck scrape and {ConcurrentScrapes} others.");
        foreach (var response in await Task.WhenAll(scrapes).WaitAsync(s_scrapesAnswerWithin, timeout.Token))
        {
            using (response)
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        }
    }

    /// <summary>Echo round trips, one after another, for <see cref="s_probeFor"/>; returns the slowest.</summary>
    private static async Task<TimeSpan> ProbeAsync(Socket probe, CancellationToken cancellationToken)
    {
        var ping = "ping"u8.ToArray();
        var slowest = TimeSpan.Zero;
        var probing = Stopwatch.StartNew();
        while (probing.Elapsed < s_probeFor)
        {
            using var roundTrip = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            roundTrip.CancelAfter(s_answerWithin);
            var start = Stopwatch.GetTimestamp();
            try
            {
                await probe.SendAllAsync(ping, roundTrip.Token);
                Assert.Equal(ping, await probe.ReceiveExactlyAsync(ping.Length, roundTrip.Token));
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return Stopwatch.GetElapsedTime(start);
            }

            var elapsed = Stopwatch.GetElapsedTime(start);
            slowest = elapsed > slowest ? elapsed : slowest;

            // Paced, so the probe samples the whole window without taking a core of a small machine for itself.
            await Task.Delay(s_pace, cancellationToken);
        }

        return slowest;
    }
}
