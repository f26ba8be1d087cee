using KestrelEcho.Client.Tests.Infrastructure;

namespace KestrelEcho.Client.Tests.Bench;

[Collection(BenchRuns.Collection)]
public sealed class UdpBenchTests
{
    [Fact]
    public async Task ExactEcho_Json_EveryDatagramAnsweredAndVerified()
    {
        await using var echo = UdpEchoServer.Exact();

        var run = await BenchRuns.AgainstAsync(echo.Port, "--udp", "-c", "3", "-s", "100", "-d", "0.3", "--warmup", "0.1", "--datagram-timeout", "5", "--json");

        run.AssertExitCode(0);
        BenchRuns.AssertOnlyProgress(run, BenchRuns.ProgressLine(errors: "0"));
        var root = BenchRuns.Json(run);
        Assert.Equal("udp", root.GetProperty("transport").GetString());
        Assert.Equal("pingpong", root.GetProperty("mode").GetString());
        Assert.Equal(3, root.GetProperty("connectionsOpened").GetInt64());
        var messages = root.GetProperty("messages").GetInt64();
        Assert.True(messages > 0, "no datagram was measured");
        Assert.Equal(messages * 100, root.GetProperty("verifiedBytes").GetInt64());
        Assert.Equal("datagram round trip", root.GetProperty("latencyOf").GetString());
        var datagrams = root.GetProperty("datagrams");
        Assert.Equal(messages, datagrams.GetProperty("sent").GetInt64());
        Assert.Equal(0, datagrams.GetProperty("lost").GetInt64());
        Assert.True(root.GetProperty("latencyMicroseconds").GetProperty("p50").GetDouble() > 0);

        // Warm-up included, the echo saw at least every measured datagram.
        Assert.True(echo.Received >= messages, $"the echo received {echo.Received}, the client counted {messages}");
    }

    [Fact]
    public async Task DroppingEcho_LossCountedNotAnError_Exits0()
    {
        await using var echo = UdpEchoServer.Dropping(every: 4);

        var run = await BenchRuns.AgainstAsync(echo.Port, "--udp", "-d", "0.5", "--warmup", "0", "--datagram-timeout", "0.02", "--json");

        run.AssertExitCode(0);
        var root = BenchRuns.Json(run);
        var datagrams = root.GetProperty("datagrams");
        var (sent, lost, late) = (datagrams.GetProperty("sent").GetInt64(), datagrams.GetProperty("lost").GetInt64(), datagrams.GetProperty("late").GetInt64());
        Assert.Equal(sent, root.GetProperty("messages").GetInt64() + lost);
        Assert.Equal(echo.Received, sent);

        // One socket, no warm-up: the echo drops datagrams 1, 5, 9, … of exactly the ones the client counted. A reply
        // slower than the wait on a loaded machine is lost too, and then late, unless it was the very last.
        var dropped = (sent + 3) / 4;
        Assert.InRange(lost - late, dropped, dropped + 1);
        Assert.Equal(100.0 * lost / sent, datagrams.GetProperty("lostPercent").GetDouble(), 6);
        Assert.Equal(0, root.GetProperty("errors").GetInt64());
    }

    [Fact]
    public async Task DroppingEcho_Plain_PrintsLoss()
    {
        await using var echo = UdpEchoServer.Dropping(every: 2);

        var run = await BenchRuns.AgainstAsync(echo.Port, "--udp", "-d", "0.2", "--warmup", "0", "--datagram-timeout", "0.02");

        run.AssertExitCode(0);
        Assert.Matches(@"^mode:        pingpong over UDP, 1 socket\(s\), 64 B datagrams, lost after 0\.02 s\n", run.Out);
        Assert.Matches(@"\ndatagrams:   (\d+) sent, \d+ lost \(\d+\.\d\d %\), 0 late replies\n", run.Out);
    }

    [Fact]
    public async Task ReplyAfterItsWait_CountedLostThenLate_NotAWrongEcho()
    {
        // Datagram 1's reply comes after its wait ran out, while the client waits for datagram 2's: told apart by the
        // sequence number it carries, it is counted late, and datagram 2's reply is still the one awaited.
        await using var echo = UdpEchoServer.LateFirstReply(TimeSpan.FromSeconds(0.3));

        var run = await BenchRuns.AgainstAsync(echo.Port, "--udp", "-d", "0.6", "--warmup", "0", "--datagram-timeout", "0.1", "--json");

        run.AssertExitCode(0);
        var root = BenchRuns.Json(run);
        var datagrams = root.GetProperty("datagrams");
        Assert.True(datagrams.GetProperty("lost").GetInt64() >= 1, "datagram 1 was not counted lost");
        Assert.True(datagrams.GetProperty("late").GetInt64() >= 1, "the late reply was not counted");
        Assert.True(root.GetProperty("messages").GetInt64() > 0, "no reply after the late one was verified");
    }

    [Fact]
    public async Task FlippedByte_Exits1NamingSocketAndDatagram()
    {
        await using var echo = UdpEchoServer.FlippingByte(10);

        var run = await BenchRuns.AgainstAsync(echo.Port, "--udp", "-s", "100", "-d", "5", "--warmup", "0");

        run.AssertExitCode(1);
        Assert.Equal(string.Empty, run.Out);
        Assert.Matches(@"^kestrel-echo: mismatch at byte 10 \(sent 0x[0-9a-f]{2}, got 0x[0-9a-f]{2}\) \(socket 1, datagram 1\)$", BenchRuns.FailureLine(run));
    }

    [Fact]
    public async Task SilentEcho_EverythingLost_Exits2()
    {
        await using var echo = UdpEchoServer.Silent();

        var run = await BenchRuns.AgainstAsync(echo.Port, "--udp", "-c", "2", "-d", "0.2", "--warmup", "0", "--datagram-timeout", "0.05", "--json");

        run.AssertExitCode(2);
        var datagrams = BenchRuns.Json(run).GetProperty("datagrams");
        Assert.Equal(datagrams.GetProperty("sent").GetInt64(), datagrams.GetProperty("lost").GetInt64());
        Assert.Matches(@"^kestrel-echo: no reply to any of \d+ datagrams within 0\.05 s each \(UDP: lost, filtered, rate-limited, or no UDP echo there\)$", BenchRuns.FailureLine(run));
    }

    [Theory]
    [InlineData("--mode stream", "--udp measures pingpong only, not stream")]
    [InlineData("--depth 2", "--udp is a strict ping-pong, one datagram in flight a socket: drop --depth")]
    [InlineData("--size 7", "--udp needs --size between 8 and 65507 bytes")]
    [InlineData("--tls", "--udp sends plain datagrams: drop the --tls options")]
    public async Task OptionsUdpCannotDo_Exit1(string options, string message)
    {
        var run = await BenchRuns.AgainstAsync(9, ["--udp", .. options.Split(' ')]);

        run.AssertExitCode(1);
        Assert.Equal($"kestrel-echo: {message}", run.FailureLines.Single());
    }
}
