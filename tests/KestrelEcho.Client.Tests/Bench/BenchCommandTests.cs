using System.Globalization;
using KestrelEcho.Client.Tests.Infrastructure;
using KestrelEcho.Testing;

namespace KestrelEcho.Client.Tests.Bench;

[Collection(BenchRuns.Collection)]
public sealed class BenchCommandTests(TlsEchoAppFactory app) : EchoAppTest<TlsEchoAppFactory>(app)
{
    private int EchoPort => App.EchoEndPoint.Port;

    [Fact]
    public async Task PingPong_Json_CountsVerifiedMessagesAndLatencies()
    {
        var run = await BenchRuns.AgainstAsync(EchoPort, "--mode", "pingpong", "-c", "2", "-s", "100", "-d", "0.3", "--warmup", "0.1", "--json");

        run.AssertExitCode(0);
        BenchRuns.AssertOnlyProgress(run, BenchRuns.ProgressLine(errors: "0"));
        var root = BenchRuns.Json(run);
        Assert.Equal("pingpong", root.GetProperty("mode").GetString());
        Assert.Equal(2, root.GetProperty("connections").GetInt32());
        Assert.Equal(1, root.GetProperty("depth").GetInt32());
        var messages = root.GetProperty("messages").GetInt64();
        Assert.True(messages > 0, "no message was measured");
        Assert.Equal(messages * 100, root.GetProperty("verifiedBytes").GetInt64());
        Assert.Equal(0.3, root.GetProperty("measuredSeconds").GetDouble(), 3);
        Assert.Equal(messages / 0.3, root.GetProperty("messagesPerSecond").GetDouble(), messages / 0.3 * 0.01);
        Assert.Equal(0, root.GetProperty("errors").GetInt64());
        Assert.Equal("message round trip", root.GetProperty("latencyOf").GetString());
        AssertLatencies(root);
    }

    [Fact]
    public async Task PingPong_Depth8_KeepsEightInFlightAndVerifiesAll()
    {
        var run = await BenchRuns.AgainstAsync(EchoPort, "-c", "2", "-s", "32", "--depth", "8", "-d", "0.3", "--warmup", "0", "--json");

        run.AssertExitCode(0);
        var root = BenchRuns.Json(run);
        Assert.Equal(8, root.GetProperty("depth").GetInt32());
        Assert.True(root.GetProperty("messages").GetInt64() > 0, "no message was measured");
        AssertLatencies(root);
    }

    [Fact]
    public async Task PingPong_MeasuredTimeTooShortToReachEveryConnection_EachStillVerifiesOneMessage()
    {
        // A millisecond after the warm-up: far less than the time 100 connections need to take their turn.
        var run = await BenchRuns.AgainstAsync(EchoPort, "-c", "100", "-d", "0.001", "--warmup", "0.05", "--json");

        run.AssertExitCode(0);
        var root = BenchRuns.Json(run);
        var messages = root.GetProperty("messages").GetInt64();
        Assert.True(messages >= 100, $"{messages} messages measured over 100 connections");
        Assert.Equal(messages * 64, root.GetProperty("verifiedBytes").GetInt64());
        Assert.Equal(0, root.GetProperty("errors").GetInt64());
    }

    [Fact]
    public async Task PingPong_NotATerminal_PrintsPlainLines()
    {
        var run = await BenchRuns.AgainstAsync(EchoPort, "-d", "0.2", "--warmup", "0");

        run.AssertExitCode(0);
        Assert.DoesNotContain('\r', run.Out + run.Error);
        Assert.Matches(@"^mode:        pingpong, 1 connection\(s\), 64 B messages, 1 in flight each\n", run.Out);
        Assert.Matches(@"messages:    [1-9]\d* \(\d+\.\d/s\), every byte verified\n", run.Out);
        Assert.Matches(@"errors:      0\n", run.Out);
        Assert.Matches(@"latency p99\.9 \d+\.\d µs\n", run.Out);
        Assert.Matches(@"latency max   \d+\.\d µs\n$", run.Out);
    }

    [Fact]
    public async Task Progress_NotATerminal_PlainLinesOnStandardErrorOnly_SecondsRising()
    {
        // Long enough for a line or two, but how many, and at which second, is the scheduler's: BenchProgressTests
        // checks the lines exactly.
        var run = await BenchRuns.AgainstAsync(EchoPort, "-c", "3", "-d", "1.2", "--warmup", "0.3", "--json");

        run.AssertExitCode(0);
        Assert.Equal("pingpong", BenchRuns.Json(run).GetProperty("mode").GetString());
        Assert.DoesNotContain('\r', run.Out + run.Error);
        BenchRuns.AssertOnlyProgress(run, BenchRuns.ProgressLine("connecting|warm-up|measuring", open: "[0-3]", errors: "0"));
        int[] seconds = [.. run.ErrorLines.Select(line => int.Parse(line[..line.IndexOf(' ', StringComparison.Ordinal)], CultureInfo.InvariantCulture))];
        Assert.All(seconds, second => Assert.True(second > 0, $"a line labelled {second} s"));
        Assert.Equal(seconds.Distinct().Order(), seconds);
    }

    [Fact]
    public async Task Progress_OnATerminal_RedrawnOnStandardError_ClearedAtTheEnd()
    {
        var run = await ClientRun.InvokeAsync(
            ["bench", "-d", "0.3", "--warmup", "0", "--host", "127.0.0.1", "--port", EchoPort.ToString(CultureInfo.InvariantCulture)],
            errorIsTerminal: true);

        run.AssertExitCode(0);
        Assert.DoesNotContain('\n', run.Error);
        Assert.Matches(@"^(\r\d+ s (connecting|measuring): \d+ msg/s, [^\r\n\x1b]*, 0 errors\x1b\[K)*\r\x1b\[K$", run.Error);
        Assert.StartsWith("mode:        pingpong, 1 connection(s)", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain('\r', run.Out);
        Assert.DoesNotContain('\x1b', run.Out);
    }

    [Fact]
    public async Task PingPong_FlippedByte_Exits1NamingConnectionAndMessage()
    {
        await using var broken = BrokenEchoServer.FlippingByte(10);

        var run = await BenchRuns.AgainstAsync(broken.Port, "-s", "100", "-d", "5", "--warmup", "0");

        run.AssertExitCode(1);
        Assert.Equal(string.Empty, run.Out);
        var line = BenchRuns.FailureLine(run);
        Assert.Matches(@"^kestrel-echo: mismatch at byte 10 \(sent 0x[0-9a-f]{2}, got 0x[0-9a-f]{2}\) \(connection 1, message 1\)$", line);
    }

    [Fact]
    public async Task PingPong_SecondMessageCorrupted_NamesMessage2()
    {
        // Byte 8 of the stream is the first byte of message 2: its sequence number, 2.
        await using var broken = BrokenEchoServer.FlippingByte(8);

        var run = await BenchRuns.AgainstAsync(broken.Port, "-s", "8", "-d", "5", "--warmup", "0");

        run.AssertExitCode(1);
        Assert.Equal("kestrel-echo: mismatch at byte 0 (sent 0x02, got 0xfd) (connection 1, message 2)", BenchRuns.FailureLine(run));
    }

    [Fact]
    public async Task PingPong_Depth4_CorruptedThirdMessageInFlight_NamesIt()
    {
        // Messages of 16 bytes: byte 40 of the stream is byte 8 of message 3, past its sequence number.
        await using var broken = BrokenEchoServer.FlippingByte(40);

        var run = await BenchRuns.AgainstAsync(broken.Port, "-s", "16", "--depth", "4", "-d", "5", "--warmup", "0");

        run.AssertExitCode(1);
        Assert.Matches(@"^kestrel-echo: mismatch at byte 8 \(sent 0x[0-9a-f]{2}, got 0x[0-9a-f]{2}\) \(connection 1, message 3\)$", BenchRuns.FailureLine(run));
    }

    [Fact]
    public async Task PingPong_NothingListening_ReportsEachRefusalAndExits2()
    {
        using var closed = new ClosedPort();

        var run = await BenchRuns.AgainstAsync(closed.Port, "-c", "2", "-d", "5", "--warmup", "0");

        run.AssertExitCode(2);
        Assert.Matches(@"errors:      2, the first: connection refused by 127\.0\.0\.1:\d+ \(127\.0\.0\.1\) \(connection [12]\)\n", run.Out);
        Assert.Matches(
            $@"^kestrel-echo: 2 error\(s\); the first: connection refused by 127\.0\.0\.1:{closed.Port} \(127\.0\.0\.1\) \(connection [12]\)$",
            BenchRuns.FailureLine(run));
    }

    [Fact]
    public async Task PingPong_ServerClosesEarly_IsAnErrorNotAMismatch()
    {
        await using var broken = BrokenEchoServer.ClosingAfter(100);

        var run = await BenchRuns.AgainstAsync(broken.Port, "-s", "64", "-d", "5", "--warmup", "0", "--json");

        run.AssertExitCode(2);
        var root = BenchRuns.Json(run);
        Assert.Equal(1, root.GetProperty("errors").GetInt64());
        Assert.Equal("closed after 100 of 128 bytes (connection 1)", root.GetProperty("firstError").GetString());
        Assert.Equal("kestrel-echo: 1 error(s); the first: closed after 100 of 128 bytes (connection 1)", BenchRuns.FailureLine(run));
    }

    [Fact]
    public async Task UnknownMode_IsAUsageError()
    {
        var run = await BenchRuns.AgainstAsync(EchoPort, "--mode", "flood");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("flood", run.Error, StringComparison.Ordinal);
    }

    internal static void AssertLatencies(System.Text.Json.JsonElement root)
    {
        var latency = root.GetProperty("latencyMicroseconds");
        double[] ordered = [.. new[] { "p50", "p90", "p99", "p99.9", "max" }.Select(name => latency.GetProperty(name).GetDouble())];
        Assert.True(ordered[0] > 0, "p50 is zero");
        Assert.Equal(ordered.Order(), ordered);
    }
}
