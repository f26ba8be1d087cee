using KestrelEcho.Client.Bench;
using KestrelEcho.Client.Tests.Infrastructure;
using KestrelEcho.Testing;

namespace KestrelEcho.Client.Tests.Bench;

[Collection(BenchRuns.Collection)]
public sealed class StreamBenchTests(TlsEchoAppFactory app) : EchoAppTest<TlsEchoAppFactory>(app)
{
    [Fact]
    public async Task Stream_Json_VerifiesEveryByteBothWaysAtOnce()
    {
        var run = await BenchRuns.AgainstAsync(App.EchoEndPoint.Port, "-m", "stream", "-c", "2", "-s", "16384", "-d", "0.5", "--warmup", "0.2", "--json");

        run.AssertExitCode(0);
        var root = BenchRuns.Json(run);
        Assert.Equal("stream", root.GetProperty("mode").GetString());
        Assert.Equal(8, root.GetProperty("depth").GetInt32());
        var writes = root.GetProperty("messages").GetInt64();
        Assert.True(writes >= 2, $"{writes} writes measured over 2 connections");
        Assert.Equal(writes * 16384, root.GetProperty("verifiedBytes").GetInt64());
        Assert.True(root.GetProperty("mebibytesPerSecond").GetDouble() > 0);
        Assert.Equal("write echoed", root.GetProperty("latencyOf").GetString());
        Assert.Equal(0, root.GetProperty("errors").GetInt64());
        BenchCommandTests.AssertLatencies(root);
    }

    [Fact]
    public async Task Stream_FlippedByteDeepInTheStream_Exits1WithItsOffset()
    {
        const long Offset = 1_000_003;
        await using var broken = BrokenEchoServer.FlippingByte(Offset);
        var sent = new byte[1];
        new RepeatingPattern(65536, connection: 1).Fill(Offset, sent);

        var run = await BenchRuns.AgainstAsync(broken.Port, "-m", "stream", "-s", "65536", "-d", "5", "--warmup", "0");

        run.AssertExitCode(1);
        Assert.Equal(string.Empty, run.Out);
        Assert.Equal(
            $"kestrel-echo: mismatch at byte {Offset} (sent 0x{sent[0]:x2}, got 0x{sent[0] ^ 0xFF:x2}) (connection 1)",
            BenchRuns.FailureLine(run));
    }

    [Fact]
    public async Task Stream_ServerClosesMidStream_IsAnError()
    {
        await using var broken = BrokenEchoServer.ClosingAfter(300_000);

        var run = await BenchRuns.AgainstAsync(broken.Port, "-m", "stream", "-s", "65536", "--depth", "2", "-d", "5", "--warmup", "0");

        run.AssertExitCode(2);
        Assert.Matches(@"^kestrel-echo: 1 error\(s\); the first: closed after 300000 of \d+ bytes \(connection 1\)$", BenchRuns.FailureLine(run));
    }
}
