using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using KestrelEcho.Testing;
using KestrelEcho.Tests.Infrastructure;

namespace KestrelEcho.Tests.Echo;

/// <summary>Each limit is enforced in the echo path, visible as a close reason, and leaves others served.</summary>
public sealed class ConnectionLimitTests : FreshAppTest
{
    private const int ByteLimit = 1000;

    // The idle timeout and lifetime the timing tests set (00:00:02): short for a quick test, yet two of the
    // sweeper's once-a-second ticks, so closing a tick early would show.
    private static readonly TimeSpan s_shortTimeout = TimeSpan.FromSeconds(2);

    // How late a close may come: the sweeper's tick (1 s), and a loaded machine's worst (generously).
    private static readonly TimeSpan s_generousLateness = TimeSpan.FromSeconds(8);

    [Fact]
    public async Task OverTheGlobalLimit_IsClosedAtOnce_AsConnectionLimit_WhileOthersAndHttpAreServed()
    {
        using var timeout = TestTimeout.Start();
        var app = await StartAppAsync(("Echo:MaxConnections", "3"), ("Echo:MaxConnectionsPerIp", "0"));
        var admitted = new List<Socket>();
        for (var i = 0; i < 3; i++)
        {
            admitted.Add(await app.ConnectAndEchoAsync(timeout.Token));
        }

        using var refused = await app.ConnectEchoAsync(timeout.Token);

        await app.AssertClosedWithoutEchoAsync(refused, "connection_limit", timeout.Token);
        using var http = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health", timeout.Token)).StatusCode);

        admitted[0].Dispose();
        await Poll.UntilAsync(() => app.Registry.Active == 2, TimeSpan.FromSeconds(10), "a slot to free up");
        admitted[0] = await app.ConnectAndEchoAsync(timeout.Token);

        admitted.ForEach(static socket => socket.Dispose());
    }

    [Fact]
    public async Task OverThePerAddressLimit_IsRefusedAsPerIpLimit_WhileOtherAddressesAreServed()
    {
        using var timeout = TestTimeout.Start();
        var app = await StartAppAsync(("Echo:MaxConnectionsPerIp", "2"));
        var first = IPAddress.Parse("127.0.0.1");
        using var one = await app.ConnectAndEchoAsync(timeout.Token, first);
        using var two = await app.ConnectAndEchoAsync(timeout.Token, first);

        using var third = await app.ConnectEchoAsync(timeout.Token, first);

        await app.AssertClosedWithoutEchoAsync(third, "per_ip_limit", timeout.Token);
        using var otherAddress = await app.ConnectAndEchoAsync(timeout.Token, IPAddress.Parse("127.0.0.2"));
    }

    [Fact]
    public async Task IdleClient_IsNotClosedBeforeTheIdleTimeout_ThenIsClosedAsIdleTimeout()
    {
        using var timeout = TestTimeout.Start();
        var app = await StartAppAsync(("Echo:IdleTimeout", "00:00:02"));

        // Started before the connect: it can only overcount the time the service measured, never undercount it.
        var sinceConnect = Stopwatch.StartNew();
        using var idle = await app.ConnectEchoAsync(timeout.Token);
        Assert.Empty(await idle.ReceiveToEndAsync(timeout.Token));

        AssertClosedAfter(sinceConnect.Elapsed, s_shortTimeout, "the idle timeout");
        Assert.Equal("idle_timeout", await app.CloseReasonOfAsync(idle));
    }

    [Fact]
    public async Task SlowTypist_StaysConnectedWhileTyping_AndIsClosedAsIdleOnlyAfterItStops()
    {
        using var timeout = TestTimeout.Start();
        var app = await StartAppAsync(("Echo:IdleTimeout", "00:00:02"));
        using var typist = await app.ConnectEchoAsync(timeout.Token);

        // A key every 1.2 s (0.6 × the idle timeout), the last 6 s (3 × it) after the first, each echoed. Waiting is
        // what this client does, not how the test synchronizes; the keys follow a schedule, so one late wake-up
        // does not push the later keys back.
        var keyInterval = s_shortTimeout * 0.6;
        var typing = Stopwatch.StartNew();
        var sinceLastKey = new Stopwatch();
        for (var key = 0; key <= 5; key++)
        {
            // A timer may fire a little before the stopwatch says the key is due: wait out what is left.
            TimeSpan untilDue;
            while ((untilDue = key * keyInterval - typing.Elapsed) > TimeSpan.Zero)
            {
                await Task.Delay(untilDue, timeout.Token);
            }

            sinceLastKey.Restart();
            byte[] keystroke = [(byte)('a' + key)];
            await typist.SendAllAsync(keystroke, timeout.Token);
            Assert.Equal(keystroke, await typist.ReceiveExactlyAsync(1, timeout.Token));
        }

        Assert.True(typing.Elapsed >= 3 * s_shortTimeout, $"typed for {typing.Elapsed.TotalSeconds:0.00} s only");
        Assert.Empty(await typist.ReceiveToEndAsync(timeout.Token));
        AssertClosedAfter(sinceLastKey.Elapsed, s_shortTimeout, "the idle timeout (counted from the last key)");
        Assert.Equal("idle_timeout", await app.CloseReasonOfAsync(typist));
    }

    [Fact]
    public async Task BusyClient_IsNotClosedBeforeTheMaximumLifetime_ThenIsClosedAsLifetimeExceeded()
    {
        using var timeout = TestTimeout.Start();
        var app = await StartAppAsync(("Echo:MaxLifetime", "00:00:02"));

        var sinceConnect = Stopwatch.StartNew();
        using var busy = await app.ConnectEchoAsync(timeout.Token);
        var ping = "ping"u8.ToArray();
        var pingsEchoed = 0;
        var closed = false;

        // A ping every 50 ms, each echoed back, so it is never idle (and the idle timeout is 5 min anyway).
        while (!closed && sinceConnect.Elapsed < s_shortTimeout + s_generousLateness)
        {
            try
            {
                await busy.SendAllAsync(ping, timeout.Token);
                Assert.Equal(ping, await busy.ReceiveExactlyAsync(ping.Length, timeout.Token));
                pingsEchoed++;
                await Task.Delay(TimeSpan.FromMilliseconds(50), timeout.Token);
            }
            catch (Exception exception) when (exception is EndOfStreamException or SocketException)
            {
                // FIN; or RST, when a ping of ours was still unread in the service's socket as it closed, or
                // reached it after the close.
                closed = true;
            }
        }

        Assert.True(closed, $"still open {sinceConnect.Elapsed.TotalSeconds:0.00} s after connecting, {pingsEchoed} pings echoed");
        AssertClosedAfter(sinceConnect.Elapsed, s_shortTimeout, "the maximum lifetime");
        Assert.Equal("lifetime_exceeded", await app.CloseReasonOfAsync(busy));
    }

    [Fact]
    public async Task ExactlyTheByteLimit_IsEchoed_ThenClosedAsByteLimit()
    {
        using var timeout = TestTimeout.Start();
        var app = await StartAppAsync(("Echo:MaxBytesPerConnection", $"{ByteLimit}"));
        using var client = await app.ConnectEchoAsync(timeout.Token);
        var payload = Payload.Random(ByteLimit, seed: 15);

        await client.SendAllAsync(payload, timeout.Token);

        await AssertClosedAtByteLimitAsync(app, client, bytesIn: ByteLimit);
        Assert.Equal(payload, await client.ReceiveToEndAsync(timeout.Token));
    }

    // Over the limit, the client gets exactly the limit back, then FIN, as docs/operations.md says. Why FIN and not
    // RST: each write here arrives whole in one read (far below the 64 KiB a read takes) and nothing is written after
    // the one that crosses the limit, so the service has read every byte sent when it closes. Had bytes been left
    // unread in its socket (a write larger than one read, or more bytes after the limit), Linux would answer its
    // close with RST instead (RFC 2525, 2.17), which the tests would then have to tolerate.
    [Fact]
    public async Task OverTheByteLimitInOneWrite_EchoesExactlyTheLimit_DropsTheRest_ThenFin()
    {
        using var timeout = TestTimeout.Start();
        var app = await StartAppAsync(("Echo:MaxBytesPerConnection", $"{ByteLimit}"));
        using var client = await app.ConnectEchoAsync(timeout.Token);
        var payload = Payload.Random(ByteLimit + 500, seed: 16);

        await client.SendAllAsync(payload, timeout.Token);

        await AssertClosedAtByteLimitAsync(app, client, bytesIn: payload.Length);
        Assert.Equal(payload[..ByteLimit], await client.ReceiveToEndAsync(timeout.Token));
    }

    [Fact]
    public async Task OverTheByteLimitAcrossWrites_EchoesExactlyTheLimit_DropsTheRest_ThenFin()
    {
        using var timeout = TestTimeout.Start();
        var app = await StartAppAsync(("Echo:MaxBytesPerConnection", $"{ByteLimit}"));
        using var client = await app.ConnectEchoAsync(timeout.Token);
        var payload = Payload.Random(1200, seed: 17);

        // 400 and 400: under the limit, each echoed whole and read back before the next write.
        for (var offset = 0; offset < 800; offset += 400)
        {
            await client.SendAllAsync(payload.AsMemory(offset, 400), timeout.Token);
            Assert.Equal(payload[offset..(offset + 400)], await client.ReceiveExactlyAsync(400, timeout.Token));
        }

        // The last 400 cross the limit: the 200 up to it come back, then FIN.
        await client.SendAllAsync(payload.AsMemory(800, 400), timeout.Token);

        await AssertClosedAtByteLimitAsync(app, client, bytesIn: payload.Length);
        Assert.Equal(payload[800..ByteLimit], await client.ReceiveToEndAsync(timeout.Token));
    }

    /// <summary>
    /// Not before <paramref name="limit"/> (the service's clock starts after the test's, so this bound is exact), and
    /// not absurdly after it: the sweeper acts within its 1 s tick, and a loaded machine gets a wide margin.
    /// </summary>
    private static void AssertClosedAfter(TimeSpan elapsed, TimeSpan limit, string what)
    {
        Assert.True(elapsed >= limit, $"closed after {elapsed.TotalSeconds:0.000} s, before {what} of {limit.TotalSeconds:0.#} s");
        Assert.True(elapsed < limit + s_generousLateness, $"closed only after {elapsed.TotalSeconds:0.00} s, for {what} of {limit.TotalSeconds:0.#} s");
    }

    /// <summary>
    /// Waits for the service to close <paramref name="client"/> (the echo waits in the client's socket meanwhile):
    /// closed as <c>byte_limit</c>, and the bytes past the limit were read and dropped (docs/operations.md): all
    /// <paramref name="bytesIn"/> counted in, only the limit out, as the close log line tells the operator.
    /// </summary>
    private static async Task AssertClosedAtByteLimitAsync(EchoAppFactory app, Socket client, int bytesIn)
    {
        Assert.Equal("byte_limit", await app.CloseReasonOfAsync(client));
        var closeLine = Assert.Single(app.Logs.WithEvent("ConnectionClosed"), entry => entry.Message.Contains($" from {client.LocalEndPoint} closed:", StringComparison.Ordinal));
        Assert.EndsWith($", {bytesIn} bytes in, {ByteLimit} bytes out", closeLine.Message, StringComparison.Ordinal);
    }
}
