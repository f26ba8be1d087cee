using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using KestrelEcho.Connections;
using KestrelEcho.Echo;
using KestrelEcho.Testing;
using KestrelEcho.Tests.Infrastructure;

namespace KestrelEcho.Tests.Echo;

/// <summary>
/// <c>Echo:SlowReaderTimeout</c>: a connection whose echo has waited that long, without a break, for a client that
/// does not take it is closed (<c>slow_reader</c>); a client that keeps taking its echo, or does not send, never is.
/// </summary>
public sealed class SlowReaderTests : FreshAppTest
{
    private const string Timeout = "00:00:02";

    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(2);

    // When a close the timeout makes due has surely come: the timeout, the sweeper's tick, a wide margin.
    private static readonly TimeSpan s_closeDue = TimeSpan.FromSeconds(10);

    // Several timeouts: what a wrong clock (from the first block, from the last byte sent) would have closed by then.
    private static readonly TimeSpan s_severalTimeouts = 4 * s_timeout;

    [Fact]
    public async Task ClientThatNeverReads_IsClosedAsSlowReader_OnceItsEchoHasWaitedTheTimeout_NotBefore()
    {
        using var timeout = TestTimeout.Start();
        var app = await StartAppAsync(("Echo:SlowReaderTimeout", Timeout));
        using var client = await app.ConnectEchoAsync(timeout.Token);
        var session = await LiveSessionOfAsync(app, client);
        var pushing = PushWithoutReadingAsync(client, timeout.Token);

        // The echo blocks and unblocks while the buffers on the way fill, each block with a stamp of its own; the
        // timeout counts from the last one, which began after the last poll that did not see its stamp.
        long stamp = 0;
        var previousPoll = Stopwatch.GetTimestamp();
        var lastBlockNotBefore = previousPoll;
        await Poll.UntilAsync(
            () =>
            {
                var now = Stopwatch.GetTimestamp();
                if (session.EchoBlockedTimestamp is var since and not 0 && since != stamp)
                {
                    (stamp, lastBlockNotBefore) = (since, previousPoll);
                }

                previousPoll = now;
                return session.CloseReason is not null;
            },
            s_closeDue + s_timeout,
            () => $"the non-reading client to be closed ({session.BytesReceived} B received, {session.BytesSent} B echoed)");
        var blockedFor = Stopwatch.GetElapsedTime(lastBlockNotBefore);

        Assert.Equal(CloseReason.SlowReader, session.CloseReason);
        Assert.True(
            blockedFor >= s_timeout,
            $"closed at most {blockedFor.TotalSeconds:0.000} s after its echo last blocked, before Echo:SlowReaderTimeout ({s_timeout.TotalSeconds} s)");
        Assert.Equal(SocketError.ConnectionReset, await ResetSeenAsync(client, pushing, timeout.Token));
    }

    [Fact]
    public async Task ClientThatReadsSlowerThanItSends_ButSteadily_IsNeverClosedAsSlowReader()
    {
        // 64 KiB every 25 ms: far slower than the client sends, so the echo blocks again and again, yet fast enough
        // to free what the kernel needs before it wakes the sender (a third of the service's send buffer, on
        // loopback up to 4 MiB: see docs/operations.md) well within the timeout.
        const int ReadSize = 64 * 1024;
        var readInterval = TimeSpan.FromMilliseconds(25);
        using var timeout = TestTimeout.Start(60);
        var app = await StartAppAsync(("Echo:SlowReaderTimeout", Timeout));
        using var client = await app.ConnectEchoAsync(timeout.Token);
        var session = await LiveSessionOfAsync(app, client);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
        var sending = SendUntilStoppedAsync(client, stop.Token);

        var blocks = new HashSet<long>();
        var longestBlock = TimeSpan.Zero;
        long read = 0;
        var buffer = new byte[ReadSize];
        var reading = Stopwatch.StartNew();
        using var ticks = new PeriodicTimer(readInterval);
        while (reading.Elapsed < s_severalTimeouts && await ticks.WaitForNextTickAsync(timeout.Token))
        {
            read += await client.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            if (session.EchoBlockedTimestamp is var since and not 0)
            {
                blocks.Add(since);
                longestBlock = TimeSpan.FromTicks(Math.Max(longestBlock.Ticks, Stopwatch.GetElapsedTime(since).Ticks));
            }

            Assert.True(session.CloseReason is null, $"closed as {session.CloseReason} after {reading.Elapsed.TotalSeconds:0.0} s of steady reading ({read} B read)");
        }

        await stop.CancelAsync();
        await sending;
        TestContext.Current.TestOutputHelper?.WriteLine($"read {read / 1024} KiB in {reading.Elapsed.TotalSeconds:0.0} s; the echo was seen blocked {blocks.Count} times, for up to {longestBlock.TotalMilliseconds:0} ms");
        Assert.True(blocks.Count >= 2, $"the echo was seen blocked {blocks.Count} times: the client did not hold it up, so the test proves nothing");
        Assert.Null(session.CloseReason);
    }

    [Fact]
    public async Task TelnetUser_WhoReadsWhatTheyTypedThenIdles_IsNeverClosedAsSlowReader()
    {
        using var timeout = TestTimeout.Start();
        var app = await StartAppAsync(("Echo:SlowReaderTimeout", Timeout));
        using var client = await app.ConnectEchoAsync(timeout.Token);
        var session = await LiveSessionOfAsync(app, client);
        var line = "hello\r\n"u8.ToArray();
        await client.SendAllAsync(line, timeout.Token);
        Assert.Equal(line, await client.ReceiveExactlyAsync(line.Length, timeout.Token));

        // A person reading the screen: nothing sent, nothing read, for several timeouts. Watching the session
        // rather than sleeping ends the wait the moment it is closed.
        var idle = Stopwatch.StartNew();
        await Poll.UntilAsync(() => session.CloseReason is not null || idle.Elapsed >= s_severalTimeouts, s_severalTimeouts + s_closeDue, "the idle time to pass");

        Assert.Null(session.CloseReason);
        await client.AssertHolaMundoEchoedAsync(timeout.Token);
    }

    [Fact]
    public async Task TimeoutZero_LeavesAClientThatNeverReadsOpen()
    {
        using var timeout = TestTimeout.Start();
        var app = await StartAppAsync(("Echo:SlowReaderTimeout", "00:00:00"));
        using var client = await app.ConnectEchoAsync(timeout.Token);
        var session = await LiveSessionOfAsync(app, client);
        var pushing = PushWithoutReadingAsync(client, timeout.Token);

        await BlockedForAsync(session, s_severalTimeouts);

        Assert.Null(session.CloseReason);
        client.Reset();
        await pushing;
    }

    [Fact]
    public async Task TimeoutSetWhileRunning_ClosesAClientWhoseEchoWasBlockedBeforeTheChange()
    {
        using var timeout = TestTimeout.Start();
        using var settings = await SettingsFile.CreateAsync("""{ "Echo": { "SlowReaderTimeout": "00:10:00" } }""", timeout.Token);
        var app = await StartAppAsync(app => app.WithJsonSettings(settings.Path));
        using var client = await app.ConnectEchoAsync(timeout.Token);
        var session = await LiveSessionOfAsync(app, client);
        var pushing = PushWithoutReadingAsync(client, timeout.Token);
        await BlockedForAsync(session, s_timeout + ConnectionSweeper.Interval);

        await settings.ChangeAsync(app, $$"""{ "Echo": { "SlowReaderTimeout": "{{Timeout}}" } }""", $"Echo:SlowReaderTimeout 00:10:00 -> {Timeout}");

        // Blocked for longer than the new timeout already: the sweeper's next tick closes it.
        await Poll.UntilAsync(() => session.CloseReason is not null, s_closeDue, "the client blocked for longer than the new timeout to be closed");
        Assert.Equal(CloseReason.SlowReader, session.CloseReason);
        Assert.Equal(SocketError.ConnectionReset, await ResetSeenAsync(client, pushing, timeout.Token));
    }

    /// <summary>The service's session of <paramref name="client"/>, once it is in the echo.</summary>
    private static async Task<EchoSession> LiveSessionOfAsync(EchoAppFactory app, Socket client)
    {
        var endPoint = (IPEndPoint)client.LocalEndPoint!;
        EchoSession? session = null;
        await Poll.UntilAsync(
            () => (session = app.Registry.Snapshot().Find(live => endPoint.Equals(live.RemoteEndPoint) && live.Stage == ConnectionStage.Echo)) is not null,
            TimeSpan.FromSeconds(10),
            $"the connection from {endPoint} to reach the echo");
        return session!;
    }

    /// <summary>Waits until the session's echo has been blocked, without a break, for <paramref name="duration"/>, the connection still open.</summary>
    private static Task BlockedForAsync(EchoSession session, TimeSpan duration) =>
        Poll.UntilAsync(
            () =>
            {
                Assert.True(session.CloseReason is null, $"closed as {session.CloseReason} while its echo was blocked");
                return session.EchoBlockedTimestamp is var since and not 0 && Stopwatch.GetElapsedTime(since) >= duration;
            },
            duration + s_closeDue,
            $"the echo to be blocked for {duration.TotalSeconds} s");

    /// <summary>
    /// Sends without ever reading until no more is taken (every buffer on the way full), or the service resets the
    /// connection; returns how it ended.
    /// </summary>
    private static async Task<SocketError> PushWithoutReadingAsync(Socket client, CancellationToken cancellationToken)
    {
        try
        {
            await client.SendUntilBlockedAsync(static (_, _) => { }, TimeSpan.FromSeconds(1), long.MaxValue, cancellationToken);
            return SocketError.Success;
        }
        catch (SocketException exception) when (exception.SocketErrorCode is SocketError.ConnectionReset or SocketError.Shutdown or SocketError.OperationAborted)
        {
            return exception.SocketErrorCode;
        }
        catch (ObjectDisposedException)
        {
            return SocketError.OperationAborted;
        }
    }

    /// <summary>Sends 64 KiB at a time until stopped; a client whose echo is never read has no other way to stop.</summary>
    private static async Task SendUntilStoppedAsync(Socket client, CancellationToken stop)
    {
        var chunk = new byte[64 * 1024];
        try
        {
            while (true)
            {
                await client.SendAllAsync(chunk, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// What the client sees of the service's close: the push ends with a reset, or, if it had stopped first, the
    /// next send reports it.
    /// </summary>
    private static async Task<SocketError> ResetSeenAsync(Socket client, Task<SocketError> pushing, CancellationToken cancellationToken)
    {
        var pushEnded = await pushing;
        if (pushEnded != SocketError.Success)
        {
            return pushEnded;
        }

        try
        {
            // With its send buffer full this waits for the service's reset, which purges it.
            await client.SendAsync(new byte[1], SocketFlags.None, cancellationToken);
            return SocketError.Success;
        }
        catch (SocketException exception)
        {
            return exception.SocketErrorCode;
        }
    }
}
