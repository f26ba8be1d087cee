using System.Globalization;
using System.Text.Json;
using KestrelEcho.Client.Tests.Infrastructure;

namespace KestrelEcho.Client.Tests.Bench;

public sealed class BenchCommandTests(EchoService service)
{
    private string EchoPort => service.EchoEndPoint.Port.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task PingPong_Json_CountsVerifiedMessagesAndLatencies()
    {
        var run = await ClientRun.InvokeAsync(
            "bench", "--mode", "pingpong", "-c", "2", "-s", "100", "-d", "0.3", "--warmup", "0.1", "--json", "--host", "127.0.0.1", "--port", EchoPort);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(string.Empty, run.Error);
        using var json = JsonDocument.Parse(run.Out);
        var root = json.RootElement;
        Assert.Equal("pingpong", root.GetProperty("mode").GetString());
        Assert.Equal(2, root.GetProperty("connections").GetInt32());
        var messages = root.GetProperty("messages").GetInt64();
        Assert.True(messages > 0, "no message was measured");
        Assert.Equal(messages * 100, root.GetProperty("verifiedBytes").GetInt64());
        Assert.True(root.GetProperty("measuredSeconds").GetDouble() >= 0.3);
        var latency = root.GetProperty("latencyMicroseconds");
        double[] ordered = [.. new[] { "p50", "p90", "p99", "p99.9", "max" }.Select(name => latency.GetProperty(name).GetDouble())];
        Assert.True(ordered[0] > 0, "p50 is zero");
        Assert.Equal(ordered.Order(), ordered);
    }

    [Fact]
    public async Task PingPong_NotATerminal_PrintsPlainLines()
    {
        var run = await ClientRun.InvokeAsync("bench", "-d", "0.2", "--warmup", "0", "--host", "127.0.0.1", "--port", EchoPort);

        Assert.Equal(0, run.ExitCode);
        Assert.DoesNotContain('\r', run.Out + run.Error);
        Assert.Matches(@"^mode:        pingpong, 1 connection\(s\), 64 B messages\n", run.Out);
        Assert.Matches(@"messages:    [1-9]\d* \(\d+\.\d/s\), every byte verified\n", run.Out);
        Assert.Matches(@"latency p99\.9 \d+\.\d µs\n", run.Out);
        Assert.Matches(@"latency max   \d+\.\d µs\n$", run.Out);
    }

    [Fact]
    public async Task PingPong_FlippedByte_Exits1NamingConnectionAndMessage()
    {
        await using var broken = BrokenEchoServer.FlippingByte(10);

        var run = await ClientRun.InvokeAsync("bench", "-s", "100", "-d", "5", "--warmup", "0", "--host", "127.0.0.1", "--port", broken.Port.ToString(CultureInfo.InvariantCulture));

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(string.Empty, run.Out);
        var line = Assert.Single(run.ErrorLines);
        Assert.Matches(@"^kestrel-echo: mismatch at byte 10 \(sent 0x[0-9a-f]{2}, got 0x[0-9a-f]{2}\) \(connection 1, message 1\)$", line);
    }

    [Fact]
    public async Task PingPong_SecondMessageCorrupted_NamesMessage2()
    {
        // Byte 8 of the stream is the first byte of message 2: its sequence number, 2.
        await using var broken = BrokenEchoServer.FlippingByte(8);

        var run = await ClientRun.InvokeAsync("bench", "-s", "8", "-d", "5", "--warmup", "0", "--host", "127.0.0.1", "--port", broken.Port.ToString(CultureInfo.InvariantCulture));

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("kestrel-echo: mismatch at byte 0 (sent 0x02, got 0xfd) (connection 1, message 2)", Assert.Single(run.ErrorLines));
    }

    [Fact]
    public async Task UnknownMode_IsAUsageError()
    {
        var run = await ClientRun.InvokeAsync("bench", "--mode", "flood", "--port", EchoPort);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("flood", run.Error, StringComparison.Ordinal);
    }
}
